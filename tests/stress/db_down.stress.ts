/**
 * PostgreSQL goes away under a running server and comes back. The server
 * (`deno run -A main.ts`) runs against a private cluster on its own port.
 *
 * - Crash: `pg_ctl stop -m immediate` (backends killed, no checkpoint)
 *   while requests are in flight. Every answer during the outage is a 200 or
 *   a 503 with a JSON `temporarily_unavailable` body and Retry-After - never
 *   a 500 - and none takes longer than PROBE_LIMIT_MS; /healthz says
 *   `database: unavailable`. Once PostgreSQL is started again the same
 *   server process serves again, and the refresh token whose refresh failed
 *   with 503 still works: a 503 changed nothing. Done twice.
 * - Freeze: every PostgreSQL process SIGSTOPped (a hung host: connections
 *   are accepted by the kernel, nothing answers). Requests still answer 503
 *   within PROBE_LIMIT_MS instead of hanging, and service resumes on SIGCONT.
 *
 * Skipped when no PostgreSQL binaries are under /usr/lib/postgresql/<v>/bin.
 * @module
 */
import assert from "node:assert/strict";
import {
  admin,
  type Answer,
  Browser,
  call,
  clock,
  findPostgresBin,
  postForm,
  type Prepared,
  prepareServer,
  type ServerProcess,
  sleep,
  startPostgres,
  startServer,
  type TokenSet,
} from "./stress_helpers.ts";

const PG_BIN = findPostgresBin();
/** No request may take longer than this while the database is down. */
const PROBE_LIMIT_MS = 5_000;
const OUTAGES = 2;
const PARALLEL_PROBES = 40;
const BACKGROUND_LOOPS = 4;
const RECOVERY_LIMIT_MS = 20_000;

type Probe = () => Promise<Answer>;

function isUnavailable(res: Answer): boolean {
  return res.status === 503 && res.json?.error === "temporarily_unavailable" &&
    /application\/json/.test(res.headers.get("Content-Type") ?? "") &&
    /^\d+$/.test(res.headers.get("Retry-After") ?? "");
}

function assertUnavailable(name: string, res: Answer): void {
  assert.ok(
    isUnavailable(res),
    `${name}: ${res.status} ${res.headers.get("Retry-After")} ${
      res.text.slice(0, 200)
    }`,
  );
  assert.ok(
    res.ms < PROBE_LIMIT_MS,
    `${name}: answered in ${res.ms.toFixed(0)} ms`,
  );
}

/** The requests that need the database, against one user's tokens. */
class Probes {
  user: TokenSet;

  constructor(
    readonly base: string,
    readonly prep: Prepared,
    user: TokenSet,
  ) {
    this.user = user;
  }

  get all(): Record<string, Probe> {
    const { base, prep } = this;
    return {
      "token client_credentials": () =>
        postForm(base, "/token", prep.service, {
          grant_type: "client_credentials",
        }, PROBE_LIMIT_MS * 2),
      "token refresh_token": () =>
        postForm(base, "/token", prep.web, {
          grant_type: "refresh_token",
          refresh_token: this.user.refresh_token!,
        }, PROBE_LIMIT_MS * 2),
      introspect: () =>
        postForm(base, "/introspect", prep.web, {
          token: this.user.access_token,
        }, PROBE_LIMIT_MS * 2),
      revoke: () =>
        postForm(base, "/revoke", prep.service, {
          token: "no-such-token",
        }, PROBE_LIMIT_MS * 2),
      userinfo: () =>
        call(`${base}/userinfo`, {
          headers: { Authorization: `Bearer ${this.user.access_token}` },
        }, PROBE_LIMIT_MS * 2),
      "admin clients": () =>
        admin(
          base,
          prep.adminToken,
          "GET",
          "/admin/clients",
          undefined,
          PROBE_LIMIT_MS * 2,
        ),
      "admin policy": () =>
        admin(
          base,
          prep.adminToken,
          "GET",
          `/admin/clients/${prep.web.id}/policy`,
          undefined,
          PROBE_LIMIT_MS * 2,
        ),
    };
  }

  /** Every probe but the refresh answers 200 (the refresh is kept). */
  async expectServing(when: string): Promise<void> {
    for (const [name, probe] of Object.entries(this.all)) {
      if (name === "token refresh_token") continue;
      const res = await probe();
      assert.equal(res.status, 200, `${name} ${when}: ${res.text}`);
      if (name === "introspect") assert.equal(res.json?.active, true);
    }
  }

  /** Each probe `passes` times, then a parallel burst: all 503, none slow. */
  async expectUnavailable(when: string, passes: number): Promise<number> {
    let slowest = 0;
    const probes = Object.entries(this.all);
    for (let pass = 0; pass < passes; pass++) {
      for (const [name, probe] of probes) {
        const res = await probe();
        assertUnavailable(`${name} ${when} (pass ${pass})`, res);
        slowest = Math.max(slowest, res.ms);
      }
    }
    const burst = await Promise.all(
      Array.from({ length: PARALLEL_PROBES }, (_, i) => {
        const [name, probe] = probes[i % probes.length];
        return probe().then((res) => ({ name, res }));
      }),
    );
    for (const { name, res } of burst) {
      assertUnavailable(`${name} ${when} (burst)`, res);
      slowest = Math.max(slowest, res.ms);
    }
    const health = await call(`${this.base}/healthz`, {}, PROBE_LIMIT_MS * 2);
    assert.equal(health.status, 503, `/healthz ${when}`);
    assert.equal(health.json?.database, "unavailable");
    assert.ok(health.ms < PROBE_LIMIT_MS, `/healthz took ${health.ms} ms`);
    return slowest;
  }

  /** Waits for /healthz 200; then the kept refresh token rotates. */
  async expectRecovery(when: string): Promise<number> {
    const started = clock();
    for (;;) {
      const res = await call(`${this.base}/healthz`).catch(() => null);
      if (res?.status === 200 && res.json?.database === "ok") break;
      assert.ok(
        clock() - started < RECOVERY_LIMIT_MS,
        `/healthz recovers ${when} without restarting the server`,
      );
      await sleep(100);
    }
    const recovered = clock() - started;
    // The refreshes that failed with 503 consumed nothing.
    const refreshed = await this.all["token refresh_token"]();
    assert.equal(refreshed.status, 200, `refresh ${when}: ${refreshed.text}`);
    this.user = refreshed.json as TokenSet;
    await this.expectServing(when);
    return recovered;
  }
}

/** Requests in flight while the database goes away. */
class Background {
  running = true;
  readonly served: number[] = [0, 0];
  readonly wrong: string[] = [];
  slowest = 0;
  readonly done: Promise<void>;

  constructor(probes: Probes) {
    const names = Object.keys(probes.all).filter((n) =>
      n !== "token refresh_token"
    );
    this.done = Promise.all(
      Array.from({ length: BACKGROUND_LOOPS }, async (_, loop) => {
        for (let i = loop; this.running; i++) {
          const name = names[i % names.length];
          try {
            const res = await probes.all[name]();
            this.slowest = Math.max(this.slowest, res.ms);
            if (res.status === 200) this.served[0]++;
            else if (isUnavailable(res)) this.served[1]++;
            else this.wrong.push(`${name}: ${res.status} ${res.text}`);
            if (res.ms >= PROBE_LIMIT_MS) {
              this.wrong.push(`${name}: took ${res.ms.toFixed(0)} ms`);
            }
          } catch (err) {
            this.wrong.push(`${name}: ${String(err)}`);
          }
        }
      }),
    ).then(() => {});
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
  }
}

async function assertSameProcess(server: ServerProcess): Promise<void> {
  let exited = false;
  server.exited.then(() => exited = true);
  await sleep(0);
  assert.equal(exited, false, "the server never restarted");
}

Deno.test({
  name: PG_BIN
    ? "stress: PostgreSQL crashed or frozen mid-run: 503 temporarily_unavailable within 5 s, /healthz 503, service resumes without a server restart"
    : "stress: PostgreSQL crashed or frozen mid-run (skipped: no PostgreSQL binaries under /usr/lib/postgresql/*/bin)",
  ignore: PG_BIN === null,
  async fn() {
    const cluster = await startPostgres(PG_BIN!);
    const dir = await Deno.makeTempDir({ prefix: "stress-pgdown-" });
    let server: ServerProcess | null = null;
    try {
      server = await startServer({
        databaseURL: cluster.url,
        dir,
        env: { DATABASE_POOL_SIZE: "5" },
      });
      const prep = await prepareServer(server.base);
      const flow = await new Browser(server.base, prep.web).codeFlow();
      assert.equal(flow.status, 200, flow.text);
      const probes = new Probes(server.base, prep, flow.json as TokenSet);

      for (let outage = 1; outage <= OUTAGES; outage++) {
        // Serving first, so the pool holds connections that will die.
        await probes.expectServing(`before outage ${outage}`);
        const background = new Background(probes);
        await sleep(300);
        await cluster.stop("immediate");
        const downAt = clock();
        await sleep(300);
        await background.stop();
        assert.deepEqual(background.wrong, [], "in flight at the crash");
        // Twice each: the first meets the pool's dead connections.
        const slowest = await probes.expectUnavailable(
          `in outage ${outage}`,
          2,
        );
        await cluster.start();
        const downFor = clock() - downAt;
        const recovered = await probes.expectRecovery(`after outage ${outage}`);
        console.log(
          `  crash ${outage}: in flight ${background.served[0]} x 200 + ${
            background.served[1]
          } x 503; then ${2 * 7 + PARALLEL_PROBES + 1} requests 503 within ${
            slowest.toFixed(0)
          } ms (limit ${PROBE_LIMIT_MS}); down ${
            (downFor / 1000).toFixed(1)
          } s; serving ${recovered.toFixed(0)} ms after PostgreSQL restarted`,
        );
      }

      await probes.expectServing("before the freeze");
      await cluster.freeze();
      const frozenAt = clock();
      let slowest: number;
      try {
        slowest = await probes.expectUnavailable("while frozen", 1);
      } finally {
        await cluster.thaw();
      }
      const frozenFor = clock() - frozenAt;
      const recovered = await probes.expectRecovery("after the freeze");
      console.log(
        `  freeze: ${2 * 7 + PARALLEL_PROBES + 1} requests 503 within ${
          slowest.toFixed(0)
        } ms; frozen ${(frozenFor / 1000).toFixed(1)} s; serving ${
          recovered.toFixed(0)
        } ms after SIGCONT`,
      );
      await assertSameProcess(server);
      assert.doesNotMatch(await server.stderr(), /unhandled error/);
    } finally {
      await server?.stop();
      await cluster.destroy();
      if (Deno.env.get("STRESS_KEEP")) console.log(`  kept ${dir}`);
      else await Deno.remove(dir, { recursive: true });
    }
  },
});

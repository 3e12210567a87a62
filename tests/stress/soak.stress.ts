/**
 * A soak: SOAK_SECONDS (default 300) of mixed traffic at a fixed SOAK_RATE
 * (default 50 requests/s, open loop) against the real server on SQLite -
 * discovery, JWKS, client_credentials, introspection, userinfo, refresh
 * rotation and admin reads - then stops by itself after SOAK_SECONDS x
 * SOAK_RATE requests. Every answer must be the expected one (error rate 0).
 * The server's resident memory (VmRSS) is sampled every second; after
 * warm-up it must stay flat: the end value at most RSS_TOLERANCE x the value
 * at 20% of the run.
 * @module
 */
import assert from "node:assert/strict";
import {
  admin,
  type Answer,
  Browser,
  call,
  clock,
  postForm,
  type Prepared,
  prepareServer,
  readRSS,
  sleep,
  startServer,
  type TokenSet,
} from "./stress_helpers.ts";

const SOAK_SECONDS = Number(Deno.env.get("SOAK_SECONDS") ?? 300);
const RATE = Number(Deno.env.get("SOAK_RATE") ?? 50);
const RSS_TOLERANCE = 1.3;
const WARM_FRACTION = 0.2;
const CHAINS = 8;
/** Past this many unanswered requests the server is not keeping up. */
const MAX_IN_FLIGHT = 500;

type Op =
  | "discovery"
  | "jwks"
  | "client_credentials"
  | "introspect"
  | "userinfo"
  | "refresh"
  | "admin";

/** One cycle of 20 requests: the mix, in order. */
const MIX: Op[] = [
  "client_credentials",
  "discovery",
  "introspect",
  "userinfo",
  "refresh",
  "client_credentials",
  "jwks",
  "introspect",
  "admin",
  "userinfo",
  "client_credentials",
  "discovery",
  "refresh",
  "introspect",
  "userinfo",
  "client_credentials",
  "jwks",
  "introspect",
  "admin",
  "refresh",
];

function mib(kib: number): string {
  return (kib / 1024).toFixed(1);
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** The soak's traffic: what each request sends and expects, and the tally. */
class Traffic {
  readonly errors: string[] = [];
  readonly latencies: number[] = [];
  readonly counts = new Map<Op, number>();

  constructor(
    readonly base: string,
    readonly prep: Prepared,
    readonly chains: { refresh: string; busy: boolean }[],
    public userToken: string,
    public serviceToken: string,
  ) {}

  #check(op: Op, res: Answer, ok: boolean): void {
    this.latencies.push(res.ms);
    this.counts.set(op, (this.counts.get(op) ?? 0) + 1);
    if (!ok) {
      this.errors.push(`${op}: ${res.status} ${res.text.slice(0, 160)}`);
    }
  }

  async send(op: Op): Promise<void> {
    const { base, prep } = this;
    switch (op) {
      case "discovery": {
        const res = await call(`${base}/.well-known/openid-configuration`);
        return this.#check(
          op,
          res,
          res.status === 200 && res.json?.issuer === base,
        );
      }
      case "jwks": {
        const res = await call(`${base}/.well-known/jwks.json`);
        return this.#check(
          op,
          res,
          res.status === 200 && Array.isArray(res.json?.keys),
        );
      }
      case "client_credentials": {
        const res = await postForm(base, "/token", prep.service, {
          grant_type: "client_credentials",
          scope: "profile",
        });
        const ok = res.status === 200 && !!res.json?.access_token;
        if (ok) this.serviceToken = String(res.json!.access_token);
        return this.#check(op, res, ok);
      }
      case "introspect": {
        const res = await postForm(base, "/introspect", prep.service, {
          token: this.serviceToken,
        });
        return this.#check(
          op,
          res,
          res.status === 200 && res.json?.active === true,
        );
      }
      case "userinfo": {
        const res = await call(`${base}/userinfo`, {
          headers: { Authorization: `Bearer ${this.userToken}` },
        });
        return this.#check(op, res, res.status === 200 && !!res.json?.sub);
      }
      case "refresh": {
        // One refresh per chain at a time: a parallel one would be reuse.
        const chain = this.chains.find((c) => !c.busy);
        if (!chain) return await this.send("client_credentials");
        chain.busy = true;
        try {
          const res = await postForm(base, "/token", prep.web, {
            grant_type: "refresh_token",
            refresh_token: chain.refresh,
          });
          const ok = res.status === 200 && !!res.json?.refresh_token;
          if (ok) {
            chain.refresh = String(res.json!.refresh_token);
            this.userToken = String(res.json!.access_token);
          }
          return this.#check(op, res, ok);
        } finally {
          chain.busy = false;
        }
      }
      case "admin": {
        const path = (this.counts.get("admin") ?? 0) % 2
          ? `/admin/clients/${prep.web.id}`
          : "/admin/clients";
        const res = await admin(base, prep.adminToken, "GET", path);
        return this.#check(op, res, res.status === 200 && res.json !== null);
      }
    }
  }
}

Deno.test(`stress: soak ${SOAK_SECONDS} s at ${RATE} req/s: no errors, RSS flat after warm-up`, async () => {
  assert.ok(SOAK_SECONDS >= 5, "SOAK_SECONDS must be at least 5");
  const dir = await Deno.makeTempDir({ prefix: "stress-soak-" });
  const server = await startServer({
    databaseURL: `sqlite:///${dir}/oauth.db`,
    dir,
  });
  const { base } = server;
  try {
    const prep = await prepareServer(base);
    const browser = new Browser(base, prep.web);
    const chains: { refresh: string; busy: boolean }[] = [];
    let userToken = "";
    for (let i = 0; i < CHAINS; i++) {
      const res = await browser.codeFlow();
      assert.equal(res.status, 200, res.text);
      const body = res.json as TokenSet;
      chains.push({ refresh: body.refresh_token!, busy: false });
      userToken = body.access_token;
    }
    const cc = await postForm(base, "/token", prep.service, {
      grant_type: "client_credentials",
    });
    assert.equal(cc.status, 200);

    const traffic = new Traffic(
      base,
      prep,
      chains,
      userToken,
      (cc.json as TokenSet).access_token,
    );
    const { errors, latencies } = traffic;
    let inFlight = 0;
    /** Requests that got no HTTP answer (network error, timeout). */
    let unanswered = 0;
    let maxInFlight = 0;

    const total = Math.round(SOAK_SECONDS * RATE);
    const intervalMs = 1000 / RATE;
    const rss: { at: number; kib: number }[] = [];
    const startRSS = await readRSS(server.pid);
    const started = clock();
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        rss.push({
          at: (clock() - started) / 1000,
          kib: await readRSS(server.pid),
        });
        await sleep(1000);
      }
    })();
    const pending = new Set<Promise<void>>();
    for (let i = 0; i < total; i++) {
      const due = started + i * intervalMs;
      const wait = due - clock();
      if (wait > 0) await sleep(wait);
      if (inFlight >= MAX_IN_FLIGHT) {
        errors.push(`request ${i}: ${inFlight} requests unanswered`);
        break;
      }
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const op = MIX[i % MIX.length];
      const p: Promise<void> = traffic.send(op).catch((err) => {
        unanswered++;
        errors.push(`${op}: ${String(err)}`);
      }).finally(() => {
        inFlight--;
        pending.delete(p);
      });
      pending.add(p);
    }
    await Promise.all(pending);
    const elapsed = (clock() - started) / 1000;
    sampling = false;
    await sampler;
    const endRSS = await readRSS(server.pid);
    rss.push({ at: elapsed, kib: endRSS });

    const warm = rss.find((s) => s.at >= SOAK_SECONDS * WARM_FRACTION) ??
      rss[0];
    const peak = Math.max(...rss.map((s) => s.kib));
    latencies.sort((a, b) => a - b);
    const sent = latencies.length + unanswered;
    console.log(
      `  soak: ${sent} requests in ${elapsed.toFixed(1)} s (${
        (sent / elapsed).toFixed(1)
      }/s), ${errors.length} errors; latency p50 ${
        percentile(latencies, 0.5).toFixed(1)
      } ms, p99 ${percentile(latencies, 0.99).toFixed(1)} ms, max ${
        (latencies.at(-1) ?? 0).toFixed(0)
      } ms; in flight max ${maxInFlight}; RSS start ${mib(startRSS)} MiB, at ${
        (WARM_FRACTION * 100).toFixed(0)
      }% ${mib(warm.kib)} MiB, peak ${mib(peak)} MiB, end ${
        mib(endRSS)
      } MiB (limit ${mib(warm.kib * RSS_TOLERANCE)} MiB)`,
    );
    assert.deepEqual(errors.slice(0, 10), [], `${errors.length} errors`);
    assert.equal(sent, total, "every scheduled request was sent");
    assert.ok(
      endRSS <= warm.kib * RSS_TOLERANCE,
      `RSS grew after warm-up: ${mib(warm.kib)} -> ${mib(endRSS)} MiB`,
    );
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

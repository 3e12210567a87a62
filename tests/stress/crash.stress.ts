/**
 * Crash safety on SQLite: the real server (`deno run -A main.ts`) under a
 * write-heavy load - client_credentials tokens, refresh rotations, code
 * flows - is killed with SIGKILL at a random moment, then restarted on the
 * same file. Each time: the database opens, `PRAGMA integrity_check` is ok,
 * and every token the server handed out with a 200, over every round so
 * far, is exactly as the client last saw it: access tokens active, each
 * refresh chain's newest token active and the older ones rotated. A
 * refresh whose answer was lost in the kill may have committed or not; then
 * either the client's token is still live or it rotated together with a
 * live successor - never rotated with nothing in its place.
 *
 * STRESS_CRASH_ROUNDS (default 4) kills; each waits for the load to be
 * running, then a random 0-1500 ms more.
 * @module
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  Browser,
  mapLimit,
  postForm,
  type Prepared,
  prepareServer,
  type ServerProcess,
  sleep,
  startServer,
  type StressClient,
  tokenHash,
  type TokenSet,
} from "./stress_helpers.ts";

const ROUNDS = Number(Deno.env.get("STRESS_CRASH_ROUNDS") ?? 4);
/** Client loops sending requests (the server runs its default threads). */
const LOAD_LOOPS = 8;
/** Tokens the load must have collected in a round before the kill may come. */
const MIN_TOKENS_BEFORE_KILL = 40;
const MAX_EXTRA_DELAY_MS = 1500;

interface Chain {
  /** Every refresh token of the chain the client received, oldest first. */
  tokens: string[];
  /** A refresh of the newest token was sent and its answer lost in a kill. */
  inFlight: boolean;
  /** The lost refresh committed: the client's newest token is rotated. */
  lost: boolean;
}

/** Everything the server returned with a 200, kept across restarts. */
class Ledger {
  access: { token: string; client: StressClient }[] = [];
  chains: Chain[] = [];
  ok = 0;
}

class Load {
  killing = false;
  readonly errors: string[] = [];
  readonly done: Promise<void>;
  #started = 0;

  constructor(
    readonly base: string,
    readonly prep: Prepared,
    readonly ledger: Ledger,
  ) {
    this.#started = ledger.ok;
    this.done = Promise.all(
      Array.from({ length: LOAD_LOOPS }, (_, i) => this.#worker(i)),
    ).then(() => {});
  }

  /** 200s collected since this load started. */
  get progress(): number {
    return this.ledger.ok - this.#started;
  }

  async #worker(n: number): Promise<void> {
    const browser = new Browser(this.base, this.prep.web);
    // Each worker rotates one chain at a time, so it never races itself.
    let chain: Chain | null = null;
    while (!this.killing) {
      const roll = Math.random();
      const op = roll < 0.4
        ? "client_credentials"
        : roll < 0.8 && chain
        ? "refresh"
        : "code";
      try {
        if (op === "client_credentials") {
          const res = await postForm(
            this.base,
            "/token",
            this.prep.service,
            { grant_type: "client_credentials", scope: "profile" },
          );
          this.#expect200(op, res.status, res.text);
          this.#record(res.json as TokenSet, this.prep.service);
        } else if (op === "refresh" && chain) {
          const current: Chain = chain;
          current.inFlight = true;
          const res = await postForm(this.base, "/token", this.prep.web, {
            grant_type: "refresh_token",
            refresh_token: current.tokens.at(-1)!,
          });
          current.inFlight = false;
          this.#expect200(op, res.status, res.text);
          const body = res.json as TokenSet;
          current.tokens.push(body.refresh_token!);
          this.#record(body, this.prep.web);
        } else {
          const res = await browser.codeFlow();
          this.#expect200(op, res.status, res.text);
          const body = res.json as TokenSet;
          chain = {
            tokens: [body.refresh_token!],
            inFlight: false,
            lost: false,
          };
          this.ledger.chains.push(chain);
          this.#record(body, this.prep.web);
        }
      } catch (err) {
        if (this.killing) return; // the answer died with the server
        this.errors.push(`worker ${n} ${op}: ${String(err)}`);
        return;
      }
    }
  }

  #expect200(op: string, status: number, text: string): void {
    if (status !== 200) {
      throw new Error(`${op}: ${status} ${text.slice(0, 200)}`);
    }
  }

  #record(body: TokenSet, client: StressClient): void {
    this.ledger.access.push({ token: body.access_token, client });
    this.ledger.ok++;
  }
}

async function introspect(
  base: string,
  client: StressClient,
  token: string,
): Promise<boolean> {
  const res = await postForm(base, "/introspect", client, { token });
  assert.equal(res.status, 200, res.text);
  return res.json?.active === true;
}

function integrityCheck(path: string): void {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const rows = db.prepare("PRAGMA integrity_check").all();
    assert.deepEqual(
      rows.map((r) => (r as Record<string, unknown>).integrity_check),
      ["ok"],
    );
    assert.deepEqual(db.prepare("PRAGMA foreign_key_check").all(), []);
  } finally {
    db.close();
  }
}

/** A rotated refresh token has a live successor in its family. */
function rotatedWithLiveSuccessor(path: string, token: string): boolean {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const row = db.prepare(
      "SELECT grant_id, consumed_at, created_at FROM refresh_tokens WHERE token_hash = ?",
    ).get(tokenHash(token)) as
      | { grant_id: string; consumed_at: number | null; created_at: number }
      | undefined;
    if (!row || row.consumed_at === null) return false;
    const live = db.prepare(
      `SELECT count(*) AS n FROM refresh_tokens WHERE grant_id = ?
         AND consumed_at IS NULL AND revoked_at IS NULL AND created_at >= ?`,
    ).get(row.grant_id, row.created_at) as { n: number };
    return Number(live.n) === 1;
  } finally {
    db.close();
  }
}

/** Every token of the ledger is as the client last saw it. */
async function verifyLedger(
  server: ServerProcess,
  prep: Prepared,
  ledger: Ledger,
  dbPath: string,
): Promise<{ access: number; chains: number; ambiguous: number }> {
  const inactiveAccess: number[] = [];
  await mapLimit(ledger.access, 8, async ({ token, client }, i) => {
    if (!(await introspect(server.base, client, token))) inactiveAccess.push(i);
  });
  assert.deepEqual(inactiveAccess, [], "every returned access token is active");
  let ambiguous = 0;
  await mapLimit(ledger.chains, 8, async (chain, i) => {
    const newest = chain.tokens.at(-1)!;
    for (const old of chain.tokens.slice(0, -1)) {
      assert.equal(
        await introspect(server.base, prep.web, old),
        false,
        `chain ${i}: a rotated refresh token came back to life`,
      );
    }
    const live = await introspect(server.base, prep.web, newest);
    if (chain.inFlight || chain.lost) {
      ambiguous++;
      if (!live) {
        assert.ok(
          rotatedWithLiveSuccessor(dbPath, newest),
          `chain ${i}: the refresh lost in the kill rotated the token without a live successor`,
        );
        chain.lost = true;
      }
      chain.inFlight = false;
    } else {
      assert.equal(live, true, `chain ${i}: newest refresh token is active`);
    }
  });
  return {
    access: ledger.access.length,
    chains: ledger.chains.length,
    ambiguous,
  };
}

Deno.test("stress: SQLite survives kill -9 under write load; every returned token stays valid", async () => {
  const dir = await Deno.makeTempDir({ prefix: "stress-crash-" });
  const dbPath = `${dir}/oauth.db`;
  const databaseURL = `sqlite:///${dbPath}`;
  let server = await startServer({ databaseURL, dir });
  const port = server.port;
  try {
    const prep = await prepareServer(server.base);
    const ledger = new Ledger();
    for (let round = 1; round <= ROUNDS; round++) {
      const load = new Load(server.base, prep, ledger);
      const waitStart = Date.now();
      while (
        load.progress < MIN_TOKENS_BEFORE_KILL && load.errors.length === 0
      ) {
        if (Date.now() - waitStart > 60_000) throw new Error("load stalled");
        await sleep(10);
      }
      assert.deepEqual(load.errors, [], "no failure before the kill");
      const delay = Math.floor(Math.random() * MAX_EXTRA_DELAY_MS);
      await sleep(delay);
      load.killing = true;
      await server.kill9();
      await load.done;
      assert.deepEqual(load.errors, [], "no failure before the kill");
      const killedAfter = load.progress;
      const t0 = performance.now();
      server = await startServer({ databaseURL, dir, port });
      const restartMs = performance.now() - t0;
      integrityCheck(dbPath);
      const checked = await verifyLedger(server, prep, ledger, dbPath);
      console.log(
        `  round ${round}: killed ${delay} ms after ${MIN_TOKENS_BEFORE_KILL} answers (${killedAfter} 200s this round); restart ${
          restartMs.toFixed(0)
        } ms; integrity ok; ${checked.access} access tokens active, ${checked.chains} refresh chains current (${checked.ambiguous} with a lost answer)`,
      );
    }
    // The restarted server takes writes again.
    const after = await postForm(server.base, "/token", prep.service, {
      grant_type: "client_credentials",
    });
    assert.equal(after.status, 200);
  } finally {
    await server.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * The token statements PostgreSQL gets in batches (lib/db/pg_batch.ts,
 * lib/db/pg_token_writes.ts): what requests of one turn write or look up is
 * one statement, each member is answered with its own outcome, and a
 * member that breaks a constraint fails alone. PostgreSQL only: SQLite
 * groups its writes in one commit instead (lib/db/group_commit.ts).
 * @module
 */
import assert from "node:assert/strict";
import {
  findAccessToken,
  findAccessTokenAndUser,
  findRefreshToken,
  findRefreshTokenAndUser,
  insertAccessToken,
  lookupBatchStats,
  rotateRefreshToken,
} from "../../lib/db/tokens.ts";
import { MAX_BATCH_ROWS } from "../../lib/db/pg_batch.ts";
import type { BatchStats } from "../../lib/db/pg_batch.ts";
import { tokenBatchStats } from "../../lib/db/pg_token_writes.ts";
import { randomToken, sha256 } from "../../lib/security/crypto.ts";
import { mintTokens } from "../../lib/oauth/tokens/mint.ts";
import { TOKEN_EXTENSIONS } from "../../lib/provider.ts";
import { grant, resourceWorld } from "../helpers/clients.ts";
import { startTestApp, type TestApp, testEngine } from "../helpers/test_app.ts";

/** A test on a fresh app of its own, on PostgreSQL only. */
function batchTest(name: string, fn: (t: TestApp) => Promise<void>): void {
  Deno.test({
    name: `token batches: ${name}`,
    ignore: testEngine() !== "postgres",
    fn: async () => {
      const t = await startTestApp();
      try {
        await fn(t);
      } finally {
        await t.close();
      }
    },
  });
}

/** How many statements `stats` ran while `work` ran. */
async function statementsDuring<T>(
  stats: () => BatchStats,
  work: () => Promise<T>,
): Promise<{ statements: number; result: T }> {
  const before = stats().batches;
  const result = await work();
  return { statements: stats().batches - before, result };
}

function accessRow(clientID: string, now: number) {
  return {
    token_hash: sha256(randomToken()),
    grant_id: null,
    client_id: clientID,
    user_id: null,
    scope: "files",
    jti: null,
    expires_at: now + 600,
    revoked_at: null,
    created_at: now,
    session_id: null,
    resources: null,
  };
}

batchTest(
  "20 token writes at once are one statement, every row stored",
  async (t) => {
    const { web } = await resourceWorld(t);
    const now = t.deps.now();
    const rows = Array.from(
      { length: 20 },
      () => accessRow(web.client.id, now),
    );
    const { statements } = await statementsDuring(
      () => tokenBatchStats.inserts("access_tokens"),
      () => Promise.all(rows.map((r) => insertAccessToken(t.deps.db, r))),
    );
    assert.equal(statements, 1);
    for (const row of rows) {
      const stored = await findAccessToken(t.deps.db, row.token_hash);
      assert.equal(stored?.client_id, web.client.id);
      assert.equal(stored?.expires_at, now + 600);
      assert.equal(stored?.user_id, null);
    }
  },
);

batchTest(
  "a write that breaks a constraint fails alone, the others of its batch are stored",
  async (t) => {
    const { web } = await resourceWorld(t);
    const now = t.deps.now();
    const taken = accessRow(web.client.id, now);
    await insertAccessToken(t.deps.db, taken);
    const rows = Array.from(
      { length: 9 },
      () => accessRow(web.client.id, now),
    );
    const unknownClient = { ...accessRow("no-such-client", now) };
    const duplicate = { ...taken, scope: "openid" };
    const batch = [...rows, duplicate, unknownClient];
    const outcomes = await Promise.allSettled(
      batch.map((r) => insertAccessToken(t.deps.db, r)),
    );
    assert.deepEqual(
      outcomes.map((o) => o.status),
      [...rows.map(() => "fulfilled"), "rejected", "rejected"],
    );
    const reason = (o: PromiseSettledResult<void>) =>
      (o as PromiseRejectedResult).reason as { code?: string };
    assert.equal(reason(outcomes[9]).code, "23505"); // unique_violation
    assert.equal(reason(outcomes[10]).code, "23503"); // foreign_key_violation
    for (const row of rows) {
      assert.ok(await findAccessToken(t.deps.db, row.token_hash));
    }
    assert.equal(
      (await findAccessToken(t.deps.db, taken.token_hash))?.scope,
      "files",
      "the row already stored is not overwritten",
    );
    assert.equal(
      await findAccessToken(t.deps.db, unknownClient.token_hash),
      undefined,
    );
  },
);

batchTest(
  `more than ${MAX_BATCH_ROWS} writes at once are split into statements of at most ${MAX_BATCH_ROWS}`,
  async (t) => {
    const { web } = await resourceWorld(t);
    const now = t.deps.now();
    const rows = Array.from(
      { length: MAX_BATCH_ROWS + 44 },
      () => accessRow(web.client.id, now),
    );
    const stats = tokenBatchStats.inserts("access_tokens");
    const largestBefore = stats.largest;
    const { statements } = await statementsDuring(
      () => stats,
      () => Promise.all(rows.map((r) => insertAccessToken(t.deps.db, r))),
    );
    assert.equal(statements, 2);
    assert.ok(stats.largest <= Math.max(largestBefore, MAX_BATCH_ROWS));
    const stored = await t.deps.db.selectFrom("access_tokens")
      .select("token_hash").where("client_id", "=", web.client.id)
      .execute();
    assert.equal(stored.length, rows.length);
  },
);

batchTest(
  "rotations of ten chains at once are one statement; of one token presented three times in it, one wins",
  async (t) => {
    const { web, alice } = await resourceWorld(t);
    const scopes = ["openid", "offline_access"];
    const chains = await Promise.all(
      Array.from({ length: 10 }, () => grant(t, web, alice, scopes)),
    );
    const mint = (grantID: string) =>
      mintTokens(t.deps, {
        client: web.client,
        user: alice,
        scopes,
        grantID,
        refreshToken: true,
      }, TOKEN_EXTENSIONS);
    // The first chain's token three times, the other nine once each.
    const presented = [chains[0], chains[0], ...chains, chains[0]].slice(
      0,
      12,
    );
    const successors = await Promise.all(
      presented.map((c) => mint(c.grantID)),
    );
    const now = t.deps.now();
    const { statements, result: won } = await statementsDuring(
      tokenBatchStats.rotations,
      () =>
        Promise.all(presented.map((c, i) =>
          rotateRefreshToken(t.deps.db, {
            tokenHash: sha256(c.refresh_token!),
            now,
            successor: null,
            successorUntil: null,
            accessToken: successors[i].accessToken,
            refreshToken: successors[i].refreshToken,
          })
        )),
    );
    assert.equal(statements, 1);
    const firstChain = presented.flatMap((c, i) => c === chains[0] ? [i] : []);
    assert.equal(firstChain.length, 3);
    assert.equal(firstChain.filter((i) => won[i]).length, 1);
    for (const [i, m] of successors.entries()) {
      if (!firstChain.includes(i)) assert.equal(won[i], true, `chain ${i}`);
      const refresh = await findRefreshToken(
        t.deps.db,
        m.refreshToken!.token_hash,
      );
      const access = await findAccessToken(
        t.deps.db,
        m.accessToken.token_hash,
      );
      assert.equal(refresh !== undefined, won[i], `refresh token ${i}`);
      assert.equal(access !== undefined, won[i], `access token ${i}`);
    }
    for (const c of chains) {
      const old = await findRefreshToken(t.deps.db, sha256(c.refresh_token!));
      assert.equal(old?.consumed_at, now);
    }
  },
);

batchTest(
  "lookups made at once are one statement, each answered with its own token and user",
  async (t) => {
    const { web, alice, bob } = await resourceWorld(t);
    const a = await grant(t, web, alice, ["openid", "offline_access"]);
    const b = await grant(t, web, bob, ["openid", "offline_access"]);
    const service = await grant(t, web, null, ["files"]);
    const hashes = [a, b, service, a].map((g) => sha256(g.access_token));
    hashes.push(sha256(randomToken()));
    const { statements, result: found } = await statementsDuring(
      lookupBatchStats.accessTokenAndUser,
      () =>
        Promise.all(hashes.map((h) => findAccessTokenAndUser(t.deps.db, h))),
    );
    assert.equal(statements, 1);
    assert.deepEqual(
      found.map((f) => f?.user?.username ?? (f ? "no user" : "none")),
      ["alice", "bob", "no user", "alice", "none"],
    );
    assert.deepEqual(
      found.slice(0, 4).map((f) => f!.row.token_hash),
      hashes.slice(0, 4),
    );
    const refreshHashes = [b, a, b].map((g) => sha256(g.refresh_token!));
    const { statements: refreshStatements, result: refreshes } =
      await statementsDuring(
        lookupBatchStats.refreshTokenAndUser,
        () =>
          Promise.all(
            refreshHashes.map((h) => findRefreshTokenAndUser(t.deps.db, h)),
          ),
      );
    assert.equal(refreshStatements, 1);
    assert.deepEqual(
      refreshes.map((r) => r?.user?.username),
      ["bob", "alice", "bob"],
    );
    assert.equal(refreshes[1]?.row.grant_id, a.grantID);
  },
);

batchTest(
  "lookups made while one is out wait for it and then share one statement",
  async (t) => {
    const { web, alice, bob } = await resourceWorld(t);
    const a = await grant(t, web, alice, ["openid"]);
    const b = await grant(t, web, bob, ["openid"]);
    const [ha, hb] = [a, b].map((g) => sha256(g.access_token));
    const { statements, result } = await statementsDuring(
      lookupBatchStats.accessTokenAndUser,
      async () => {
        const first = findAccessTokenAndUser(t.deps.db, ha);
        // Past this turn the first statement is out (sent right after the
        // turn, not on a timer); these six come while it is.
        await new Promise((resolve) => setImmediate(resolve));
        const later: Promise<unknown>[] = [];
        for (let i = 0; i < 6; i++) {
          later.push(findAccessTokenAndUser(t.deps.db, i % 2 ? ha : hb));
          await Promise.resolve();
        }
        return await Promise.all([first, ...later]);
      },
    );
    // One statement for the first, one for all six that waited for it.
    assert.equal(statements, 2);
    assert.deepEqual(
      (result as Awaited<ReturnType<typeof findAccessTokenAndUser>>[]).map((
        f,
      ) => f?.user?.username),
      ["alice", "bob", "alice", "bob", "alice", "bob", "alice"],
    );
  },
);

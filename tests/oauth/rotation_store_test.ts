/**
 * `rotateRefreshToken` (lib/db/tokens.ts) on the engine under test: one
 * grouped transaction on SQLite, one statement on PostgreSQL, and the
 * Kysely transaction it falls back to inside another transaction. Each
 * retires the token and stores its successors all or nothing, and of two
 * rotations of one token exactly one stores anything.
 * @module
 */
import assert from "node:assert/strict";
import type { DB } from "../../lib/db/schema.ts";
import {
  findAccessToken,
  findRefreshToken,
  findRefreshTokenAndUser,
  rotateRefreshToken,
} from "../../lib/db/tokens.ts";
import { sha256 } from "../../lib/security/crypto.ts";
import { mintTokens } from "../../lib/oauth/tokens/mint.ts";
import { TOKEN_EXTENSIONS } from "../../lib/provider.ts";
import { grant, resourceWorld } from "../helpers/clients.ts";
import { startTestApp, type TestApp } from "../helpers/test_app.ts";

/** A live chain: its refresh token's hash, and freshly minted successors. */
async function chain(t: TestApp) {
  const { web, alice } = await resourceWorld(t);
  const first = await grant(t, web, alice, ["openid", "offline_access"]);
  const mint = () =>
    mintTokens(t.deps, {
      client: web.client,
      user: alice,
      scopes: ["openid", "offline_access"],
      grantID: first.grantID,
      refreshToken: true,
    }, TOKEN_EXTENSIONS);
  return { hash: sha256(first.refresh_token!), mint, alice };
}

async function rotate(
  db: DB,
  hash: string,
  now: number,
  minted: Awaited<ReturnType<typeof mintTokens>>,
  successor: string | null = null,
): Promise<boolean> {
  return await rotateRefreshToken(db, {
    tokenHash: hash,
    now,
    successor,
    successorUntil: successor ? now + 30 : null,
    accessToken: minted.accessToken,
    refreshToken: minted.refreshToken,
  });
}

Deno.test("rotation store: the token is retired with its successor kept, and the new rows are stored", async () => {
  const t = await startTestApp();
  try {
    const { hash, mint, alice } = await chain(t);
    const next = await mint();
    const now = t.deps.now();
    assert.equal(await rotate(t.deps.db, hash, now, next, "sealed"), true);
    const old = await findRefreshToken(t.deps.db, hash);
    assert.equal(old?.consumed_at, now);
    assert.equal(old?.successor, "sealed");
    assert.equal(old?.successor_until, now + 30);
    const stored = await findRefreshTokenAndUser(
      t.deps.db,
      next.refreshToken!.token_hash,
    );
    assert.equal(stored?.row.consumed_at, null);
    assert.equal(stored?.user?.id, alice.id);
    assert.equal(stored?.user?.username, "alice");
    assert.ok(
      await findAccessToken(t.deps.db, next.accessToken.token_hash),
    );
  } finally {
    await t.close();
  }
});

Deno.test("rotation store: of rotations of one token made at once, exactly one stores anything", async () => {
  const t = await startTestApp();
  try {
    const { hash, mint } = await chain(t);
    const contenders = await Promise.all(
      Array.from({ length: 10 }, () => mint()),
    );
    const now = t.deps.now();
    const won = await Promise.all(
      contenders.map((m) => rotate(t.deps.db, hash, now, m)),
    );
    assert.equal(won.filter(Boolean).length, 1);
    for (const [i, m] of contenders.entries()) {
      const access = await findAccessToken(t.deps.db, m.accessToken.token_hash);
      const refresh = await findRefreshToken(
        t.deps.db,
        m.refreshToken!.token_hash,
      );
      assert.equal(access !== undefined, won[i], `access token ${i}`);
      assert.equal(refresh !== undefined, won[i], `refresh token ${i}`);
    }
    // A retired token rotates no more.
    assert.equal(await rotate(t.deps.db, hash, now, await mint()), false);
  } finally {
    await t.close();
  }
});

Deno.test("rotation store: inside another transaction it writes there, and a rollback takes it back", async () => {
  const t = await startTestApp();
  try {
    const { hash, mint } = await chain(t);
    const next = await mint();
    const now = t.deps.now();
    await assert.rejects(
      t.deps.db.transaction().execute(async (trx) => {
        assert.equal(await rotate(trx, hash, now, next), true);
        assert.ok(
          await findRefreshToken(trx, next.refreshToken!.token_hash),
        );
        throw new Error("undo");
      }),
      /undo/,
    );
    assert.equal((await findRefreshToken(t.deps.db, hash))?.consumed_at, null);
    assert.equal(
      await findRefreshToken(t.deps.db, next.refreshToken!.token_hash),
      undefined,
    );
    // Still live, so it rotates now.
    assert.equal(await rotate(t.deps.db, hash, now, next), true);
  } finally {
    await t.close();
  }
});

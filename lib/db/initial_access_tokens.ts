/**
 * initial_access_tokens (RFC 7591 §3): admin-issued bearer tokens that let
 * a client register itself; stored as SHA-256 only, with an expiry and a
 * number of uses, each use taken by one atomic UPDATE.
 * @module
 */
import type { DB, InitialAccessTokenRow } from "./schema.ts";

export async function insertInitialAccessToken(
  db: DB,
  row: InitialAccessTokenRow,
): Promise<void> {
  await db.insertInto("initial_access_tokens").values(row).execute();
}

export async function listInitialAccessTokens(
  db: DB,
): Promise<InitialAccessTokenRow[]> {
  return await db.selectFrom("initial_access_tokens").selectAll()
    .orderBy("created_at", "desc").orderBy("id").execute();
}

export async function deleteInitialAccessToken(
  db: DB,
  id: string,
): Promise<boolean> {
  const r = await db.deleteFrom("initial_access_tokens").where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/**
 * Takes one use of the token with this hash, if it is unexpired and has a
 * use left: one statement, so concurrent registrations never overdraw it.
 */
export async function useInitialAccessToken(
  db: DB,
  tokenHash: string,
  now: number,
): Promise<boolean> {
  const r = await db.updateTable("initial_access_tokens")
    .set((eb) => ({ uses_left: eb("uses_left", "-", 1) }))
    .where("token_hash", "=", tokenHash)
    .where("uses_left", ">", 0)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

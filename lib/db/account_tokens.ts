/**
 * account_tokens: single-use tokens mailed or handed out for account
 * flows (email verification, password reset, registration invites). Only
 * the SHA-256 of a token is stored; using one is a single
 * `update … where consumed_at is null … returning`, never a read and a write.
 */
import type { AccountTokenPurpose, AccountTokenRow, DB } from "./schema.ts";

export async function insertAccountToken(
  db: DB,
  row: AccountTokenRow,
): Promise<void> {
  await db.insertInto("account_tokens").values(row).execute();
}

/** The live (unused, unexpired) token of `purpose` with this hash. */
export async function findLiveAccountToken(
  db: DB,
  purpose: AccountTokenPurpose,
  tokenHash: string,
  now: number,
): Promise<AccountTokenRow | undefined> {
  return await db.selectFrom("account_tokens").selectAll()
    .where("token_hash", "=", tokenHash).where("purpose", "=", purpose)
    .where("consumed_at", "is", null).where("expires_at", ">", now)
    .executeTakeFirst();
}

/** Uses a live token once: the row, or undefined when it was not live. */
export async function consumeAccountToken(
  db: DB,
  purpose: AccountTokenPurpose,
  tokenHash: string,
  now: number,
): Promise<AccountTokenRow | undefined> {
  return await db.updateTable("account_tokens").set({ consumed_at: now })
    .where("token_hash", "=", tokenHash).where("purpose", "=", purpose)
    .where("consumed_at", "is", null).where("expires_at", ">", now)
    .returningAll().executeTakeFirst();
}

/** Retires every live token of `purpose` a user has (a password was set). */
export async function consumeUserAccountTokens(
  db: DB,
  userID: string,
  purpose: AccountTokenPurpose,
  now: number,
): Promise<number> {
  const r = await db.updateTable("account_tokens").set({ consumed_at: now })
    .where("user_id", "=", userID).where("purpose", "=", purpose)
    .where("consumed_at", "is", null).executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Live tokens of `purpose`, newest first (the admin's invite list). */
export async function listLiveAccountTokens(
  db: DB,
  purpose: AccountTokenPurpose,
  now: number,
): Promise<AccountTokenRow[]> {
  return await db.selectFrom("account_tokens").selectAll()
    .where("purpose", "=", purpose).where("consumed_at", "is", null)
    .where("expires_at", ">", now)
    .orderBy("created_at", "desc").orderBy("id").limit(500).execute();
}

/** Deletes one token of `purpose` by id; false when there is none. */
export async function deleteAccountToken(
  db: DB,
  purpose: AccountTokenPurpose,
  id: string,
): Promise<boolean> {
  const r = await db.deleteFrom("account_tokens").where("id", "=", id)
    .where("purpose", "=", purpose).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

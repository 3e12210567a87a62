/**
 * access_tokens and refresh_tokens: stored by SHA-256 only. A grant id ties
 * together the code and every token issued from it, so a replayed code or a
 * reused refresh token revokes the whole family in one statement each.
 * @module
 */
import type { Insertable } from "kysely";
import type {
  AccessTokenRow,
  AccessTokensTable,
  DB,
  RefreshTokenRow,
  RefreshTokensTable,
} from "./schema.ts";
import { prepared } from "./prepared.ts";

export async function insertAccessToken(
  db: DB,
  row: Insertable<AccessTokensTable>,
): Promise<void> {
  await db.insertInto("access_tokens").values(row).execute();
}

export async function insertRefreshToken(
  db: DB,
  row: Insertable<RefreshTokensTable>,
): Promise<void> {
  await db.insertInto("refresh_tokens").values(row).execute();
}

const selectAccessToken = prepared((db, tokenHash: string) =>
  db.selectFrom("access_tokens").selectAll().where("token_hash", "=", tokenHash)
);

export async function findAccessToken(
  db: DB,
  tokenHash: string,
): Promise<AccessTokenRow | undefined> {
  return (await selectAccessToken(db, tokenHash))[0];
}

const selectRefreshToken = prepared((db, tokenHash: string) =>
  db.selectFrom("refresh_tokens").selectAll().where(
    "token_hash",
    "=",
    tokenHash,
  )
);

export async function findRefreshToken(
  db: DB,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  return (await selectRefreshToken(db, tokenHash))[0];
}

/**
 * Marks a live refresh token rotated and returns it, in one statement: of
 * concurrent refreshes with the same token exactly one gets the row.
 */
export async function consumeRefreshToken(
  db: DB,
  tokenHash: string,
  now: number,
): Promise<RefreshTokenRow | undefined> {
  return await db.updateTable("refresh_tokens")
    .set({ consumed_at: now })
    .where("token_hash", "=", tokenHash)
    .where("consumed_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .returningAll().executeTakeFirst();
}

/** Revokes every live token of a grant (code replay, refresh reuse). */
export async function revokeGrant(
  db: DB,
  grantID: string,
  now: number,
): Promise<void> {
  await db.updateTable("access_tokens").set({ revoked_at: now })
    .where("grant_id", "=", grantID).where("revoked_at", "is", null).execute();
  await db.updateTable("refresh_tokens").set({ revoked_at: now })
    .where("grant_id", "=", grantID).where("revoked_at", "is", null).execute();
}

export async function revokeAccessToken(
  db: DB,
  tokenHash: string,
  now: number,
): Promise<void> {
  await db.updateTable("access_tokens").set({ revoked_at: now })
    .where("token_hash", "=", tokenHash).where("revoked_at", "is", null)
    .execute();
}

/** Revokes every token a user holds for a client (logout). */
export async function revokeUserClientTokens(
  db: DB,
  userID: string,
  clientID: string,
  now: number,
): Promise<void> {
  await db.updateTable("access_tokens").set({ revoked_at: now })
    .where("user_id", "=", userID).where("client_id", "=", clientID)
    .where("revoked_at", "is", null).execute();
  await db.updateTable("refresh_tokens").set({ revoked_at: now })
    .where("user_id", "=", userID).where("client_id", "=", clientID)
    .where("revoked_at", "is", null).execute();
}

export async function deleteExpiredTokens(
  db: DB,
  before: number,
): Promise<void> {
  await db.deleteFrom("access_tokens").where("expires_at", "<", before)
    .execute();
  await db.deleteFrom("refresh_tokens").where("expires_at", "<", before)
    .execute();
}

/** Revokes every live token a user holds, for every client. */
export async function revokeUserTokens(
  db: DB,
  userID: string,
  now: number,
): Promise<void> {
  await db.updateTable("access_tokens").set({ revoked_at: now })
    .where("user_id", "=", userID).where("revoked_at", "is", null).execute();
  await db.updateTable("refresh_tokens").set({ revoked_at: now })
    .where("user_id", "=", userID).where("revoked_at", "is", null).execute();
}

/**
 * Finding a presented token, whatever its kind, and whether it is usable:
 * the shared reading of revocation, introspection and userinfo.
 * @module
 */
import type { AccessTokenRow, DB, RefreshTokenRow } from "../../db/schema.ts";
import {
  findAccessTokenAndUser,
  findRefreshToken,
  type TokenUser,
} from "../../db/tokens.ts";
import { findUserByID } from "../../db/users.ts";
import { sha256 } from "../../security/crypto.ts";

export type FoundToken =
  /** An access token comes with its user (null: none, or gone). */
  | { kind: "access_token"; row: AccessTokenRow; user: TokenUser | null }
  | { kind: "refresh_token"; row: RefreshTokenRow };

/**
 * Finds a token by its value, trying the hinted kind first (RFC 7009 §2.1,
 * RFC 7662 §2.1: the hint only orders the search).
 */
export async function findToken(
  db: DB,
  token: string,
  hint: string | null,
): Promise<FoundToken | null> {
  const hash = sha256(token);
  const order = hint === "refresh_token"
    ? (["refresh_token", "access_token"] as const)
    : (["access_token", "refresh_token"] as const);
  for (const kind of order) {
    if (kind === "access_token") {
      const found = await findAccessTokenAndUser(db, hash);
      if (found) return { kind, row: found.row, user: found.user };
    } else {
      const row = await findRefreshToken(db, hash);
      if (row) return { kind, row };
    }
  }
  return null;
}

/**
 * The live user a token acts for: null for a client's own token
 * (client_credentials) and for a user who is gone or disabled, so a token
 * outlives neither.
 */
export async function tokenUser(
  db: DB,
  found: FoundToken,
): Promise<{ user: TokenUser | null; live: boolean }> {
  if (found.row.user_id === null) return { user: null, live: true };
  const user = found.kind === "access_token"
    ? found.user
    : (await findUserByID(db, found.row.user_id)) ?? null;
  if (!user || user.disabled !== 0) return { user: null, live: false };
  return { user, live: true };
}

/** Whether a found token is usable now. */
export function isTokenActive(found: FoundToken, now: number): boolean {
  const row = found.row;
  if (row.revoked_at !== null || row.expires_at <= now) return false;
  if (found.kind === "refresh_token" && found.row.consumed_at !== null) {
    return false;
  }
  return true;
}

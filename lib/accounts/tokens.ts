/**
 * Single-use account tokens: the secret part of a verification, reset or
 * invitation link. 256 random bits, only their SHA-256 stored
 * (lib/db/account_tokens.ts), looked up by digest, used once by one
 * conditional update. A value that cannot be one of ours is refused before
 * any query.
 * @module
 */
import {
  consumeAccountToken,
  findLiveAccountToken,
  insertAccountToken,
} from "../db/account_tokens.ts";
import type { AccountTokenPurpose, AccountTokenRow, DB } from "../db/schema.ts";
import { randomToken, sha256 } from "../security/crypto.ts";

/** How long each kind of link works, seconds. */
export const TOKEN_LIFETIME: Record<AccountTokenPurpose, number> = {
  verify_email: 24 * 3600,
  /** The issue's 30 minutes: long enough to read a mail, short for a leak. */
  reset_password: 30 * 60,
  invite: 7 * 24 * 3600,
};

/** What `randomToken(32)` makes: 43 base64url characters. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface NewAccountToken {
  purpose: AccountTokenPurpose;
  userID: string | null;
  email: string | null;
  createdBy: string;
  /** Seconds; default TOKEN_LIFETIME[purpose]. */
  lifetime?: number;
}

export interface IssuedAccountToken {
  /** The value for the link; shown or mailed once, never stored. */
  token: string;
  row: AccountTokenRow;
}

/** Stores a new token's digest and returns the token. */
export async function issueAccountToken(
  db: DB,
  input: NewAccountToken,
  now: number,
): Promise<IssuedAccountToken> {
  const token = randomToken(32);
  const row: AccountTokenRow = {
    id: crypto.randomUUID(),
    token_hash: sha256(token),
    purpose: input.purpose,
    user_id: input.userID,
    email: input.email,
    created_by: input.createdBy,
    created_at: now,
    expires_at: now + (input.lifetime ?? TOKEN_LIFETIME[input.purpose]),
    consumed_at: null,
  };
  await insertAccountToken(db, row);
  return { token, row };
}

/** The live token a link carries, without using it (a form is shown first). */
export async function peekAccountToken(
  db: DB,
  purpose: AccountTokenPurpose,
  token: string | null | undefined,
  now: number,
): Promise<AccountTokenRow | null> {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  return await findLiveAccountToken(db, purpose, sha256(token), now) ?? null;
}

/** Uses a token once; null when it is unknown, used or expired. */
export async function useAccountToken(
  db: DB,
  purpose: AccountTokenPurpose,
  token: string | null | undefined,
  now: number,
): Promise<AccountTokenRow | null> {
  if (!token || !TOKEN_SHAPE.test(token)) return null;
  return await consumeAccountToken(db, purpose, sha256(token), now) ?? null;
}

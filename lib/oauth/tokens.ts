/**
 * Minting and finding tokens. Access tokens are opaque random strings by
 * default, or RFC 9068 JWTs (`typ: at+jwt`) when the client's policy says
 * `jwt`; either way only their SHA-256 is stored, so revocation and
 * introspection work the same. Refresh tokens are opaque and rotate. All
 * signing happens before the single transaction that stores the tokens.
 * @module
 */
import type {
  AccessTokenRow,
  DB,
  RefreshTokenRow,
  UserRow,
} from "../db/schema.ts";
import {
  findAccessTokenAndUser,
  findRefreshToken,
  insertAccessToken,
  insertRefreshToken,
  type TokenUser,
} from "../db/tokens.ts";
import { findUserByID } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import { claimsForScopes } from "../oidc/claims.ts";
import { signIDToken } from "../oidc/id_token.ts";
import { randomToken, sha256 } from "../security/crypto.ts";
import { signJWT } from "../security/jws.ts";
import type { Client } from "./clients/client.ts";

export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export interface IssueInput {
  client: Client;
  /** Null for client_credentials. */
  user: UserRow | null;
  scopes: string[];
  grantID: string | null;
  authTime?: number;
  sessionID?: string | null;
  nonce?: string | null;
  refreshToken: boolean;
  idToken: boolean;
  /**
   * Runs first inside the transaction that stores the new tokens, after all
   * signing; if it throws, nothing is stored. The refresh grant retires the
   * presented token here, so a rotation commits with its successor or not at
   * all (a crash in between cannot leave the client with a dead chain).
   */
  beforeStore?: (trx: DB) => Promise<void>;
}

/** RFC 9068 §2.2: a JWT access token's claims. */
async function signAccessTokenJWT(
  deps: Deps,
  input: IssueInput,
  jti: string,
  expiresAt: number,
): Promise<string> {
  const key = await deps.keys.signingKey(input.client.policy.idTokenAlg);
  const now = deps.now();
  const payload: Record<string, unknown> = {
    client_id: input.client.id,
    scope: input.scopes.join(" "),
  };
  if (input.authTime !== undefined) payload.auth_time = input.authTime;
  payload.iss = deps.config.issuer;
  payload.sub = input.user?.id ?? input.client.id;
  payload.aud = input.client.id;
  payload.iat = now;
  payload.exp = expiresAt;
  payload.jti = jti;
  return await signJWT(key, { typ: "at+jwt" }, payload);
}

/**
 * Issues an access token, and a refresh token and ID token when asked, in
 * one transaction (`db` may already be one).
 */
export async function issueTokens(
  deps: Deps,
  db: DB,
  input: IssueInput,
): Promise<TokenResponse> {
  const now = deps.now();
  const { policy } = input.client;
  const expiresAt = now + policy.accessTokenLifetime;
  const jti = crypto.randomUUID();
  const accessToken = policy.tokenFormat === "jwt"
    ? await signAccessTokenJWT(deps, input, jti, expiresAt)
    : randomToken(32);
  const response: TokenResponse = {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: policy.accessTokenLifetime,
    scope: input.scopes.join(" "),
  };
  if (input.idToken && input.user) {
    response.id_token = await signIDToken(deps, {
      clientID: input.client.id,
      alg: policy.idTokenAlg,
      subject: input.user.id,
      authTime: input.authTime ?? now,
      nonce: input.nonce,
      sessionID: input.sessionID,
      accessToken,
      claims: await claimsForScopes(deps.db, input.user, input.scopes),
    });
  }
  const refreshToken = input.refreshToken && input.user && input.grantID
    ? randomToken(32)
    : null;
  const store = async (trx: DB): Promise<void> => {
    await input.beforeStore?.(trx);
    await insertAccessToken(trx, {
      token_hash: sha256(accessToken),
      grant_id: input.grantID,
      client_id: input.client.id,
      user_id: input.user?.id ?? null,
      scope: response.scope,
      jti: policy.tokenFormat === "jwt" ? jti : null,
      expires_at: expiresAt,
      revoked_at: null,
      created_at: now,
    });
    if (refreshToken && input.user && input.grantID) {
      await insertRefreshToken(trx, {
        token_hash: sha256(refreshToken),
        grant_id: input.grantID,
        client_id: input.client.id,
        user_id: input.user.id,
        scope: response.scope,
        auth_time: input.authTime ?? now,
        session_id: input.sessionID ?? null,
        expires_at: now + policy.refreshTokenTTLDays * 86400,
        consumed_at: null,
        revoked_at: null,
        created_at: now,
      });
    }
  };
  // One row alone (client_credentials) is one statement, atomic by itself:
  // no transaction, so on SQLite it runs without Kysely's queue.
  const single = !input.beforeStore && !refreshToken;
  if (db.isTransaction || single) await store(db);
  else await db.transaction().execute(store);
  if (refreshToken) response.refresh_token = refreshToken;
  return response;
}

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

/**
 * ID tokens (OIDC Core §2, §3.1.3.6): iss, sub, aud, exp, iat, auth_time,
 * nonce, at_hash, sid, plus the claims the granted scopes release; signed
 * with the client's algorithm (RS256 unless its policy says otherwise).
 * And the other way round: an ID token handed back to us as id_token_hint
 * (at /authorize and at logout) is verified here.
 * @module
 */
import { compactVerify, createLocalJWKSet } from "jose";
import { createHash } from "node:crypto";
import { SIGNING_ALGS, type SigningAlg } from "../oauth/vocabulary.ts";
import type { Deps } from "../deps.ts";
import { UnredirectableRequest } from "../oauth/errors.ts";
import type { TokenExtension } from "../oauth/tokens/extension.ts";
import type { TokenResponse } from "../oauth/tokens/mint.ts";
import { signJWT } from "../security/jws.ts";
import { claimsForScopes } from "./claims.ts";

export const ID_TOKEN_LIFETIME = 3600;

/**
 * OIDC Core §3.1.3.6: at_hash is the base64url of the left half of the hash
 * of the access token, with the hash of the signing algorithm (SHA-256 for
 * RS256/ES256, SHA-512 for Ed25519).
 */
export function tokenHash(token: string, alg: SigningAlg): string {
  const digest = createHash(alg === "EdDSA" ? "sha512" : "sha256").update(token)
    .digest();
  return digest.subarray(0, digest.length / 2).toString("base64url");
}

export interface IDTokenInput {
  clientID: string;
  alg: SigningAlg;
  subject: string;
  authTime: number;
  nonce?: string | null;
  sessionID?: string | null;
  accessToken?: string;
  claims?: Record<string, unknown>;
  /** OIDC Core §2 acr and amr (RFC 8176 values). */
  acr?: string | null;
  amr?: string[];
}

/** Signs an ID token for `input`. */
export async function signIDToken(
  deps: Deps,
  input: IDTokenInput,
): Promise<string> {
  const key = await deps.keys.signingKey(input.alg);
  const now = deps.now();
  const payload: Record<string, unknown> = { ...input.claims };
  payload.auth_time = input.authTime;
  // OIDC Core §2: "acr ... Authentication Context Class Reference" and
  // "amr ... JSON array of strings that are identifiers for authentication
  // methods used in the authentication" (values: RFC 8176 §2).
  if (input.acr) payload.acr = input.acr;
  if (input.amr?.length) payload.amr = input.amr;
  if (input.nonce) payload.nonce = input.nonce;
  if (input.sessionID) payload.sid = input.sessionID;
  if (input.accessToken) {
    payload.at_hash = tokenHash(input.accessToken, input.alg);
  }
  payload.iss = deps.config.issuer;
  payload.sub = input.subject;
  payload.aud = input.clientID;
  payload.iat = now;
  payload.exp = now + ID_TOKEN_LIFETIME;
  return await signJWT(key, { typ: "JWT" }, payload);
}

/** What an id_token_hint tells us once its signature checks out. */
export interface IDTokenHint {
  clientID: string;
  userID: string;
  sessionID: string | null;
  /** When it was issued (epoch seconds; 0 when it says nothing usable). */
  issuedAt: number;
}

function invalidHint(cause?: unknown): UnredirectableRequest {
  return new UnredirectableRequest(
    "id_token_hint is not an id token issued by this server",
    { cause },
  );
}

/**
 * Verifies an id_token_hint (OIDC Core §3.1.2.1 at /authorize,
 * RP-Initiated Logout 1.0 §2 at logout) against our own published keys
 * (retired keys included). RP-Initiated Logout 1.0 §2 asks the OP to accept
 * ID Tokens as hints even when their `exp` has passed, so only the
 * signature, issuer, subject and audience are checked. §4: a hint that
 * fails is not used and the request goes no further.
 */
export async function verifyIDTokenHint(
  deps: Deps,
  hint: string,
): Promise<IDTokenHint> {
  let payload: Record<string, unknown>;
  try {
    const jwks = createLocalJWKSet(await deps.keys.jwks());
    const verified = await compactVerify(hint, jwks, {
      algorithms: [...SIGNING_ALGS],
    });
    // An RFC 9068 access token is signed with the same keys; it is not an
    // ID token and must not pass as one.
    if (verified.protectedHeader.typ?.toLowerCase() === "at+jwt") {
      throw new Error("typ at+jwt");
    }
    payload = JSON.parse(new TextDecoder().decode(verified.payload));
  } catch (err) {
    throw invalidHint(err);
  }
  // RP-Initiated Logout 1.0 §2: the OP must validate that it issued the hint.
  if (payload.iss !== deps.config.issuer) throw invalidHint();
  const sub = payload.sub;
  if (typeof sub !== "string" || sub === "") throw invalidHint();
  // OIDC Core §2: azp names the party the token was issued to; without it
  // the single audience does.
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  const clientID = typeof payload.azp === "string"
    ? payload.azp
    : aud.length === 1
    ? aud[0]
    : undefined;
  if (typeof clientID !== "string" || clientID === "") throw invalidHint();
  const sid = typeof payload.sid === "string" ? payload.sid : null;
  const iat = typeof payload.iat === "number" && Number.isFinite(payload.iat)
    ? payload.iat
    : 0;
  return { clientID, userID: sub, sessionID: sid, issuedAt: iat };
}

/** A token response with what OpenID Connect adds (OIDC Core §3.1.3.3). */
export interface OIDCTokenResponse extends TokenResponse {
  id_token?: string;
}

/**
 * OpenID Connect in the token response (OIDC Core §3.1.3.3): an ID token
 * whenever a user granted `openid`, and (§11) a refresh token at the code
 * exchange only with `offline_access`, as node-oidc-provider does.
 */
export const ID_TOKEN_EXTENSION: TokenExtension = {
  allowsRefreshToken: (scopes) =>
    !scopes.includes("openid") || scopes.includes("offline_access"),
  async responseMembers(ctx): Promise<Record<string, string>> {
    if (!ctx.user || !ctx.scopes.includes("openid")) return {};
    const { deps, client } = ctx;
    return {
      id_token: await signIDToken(deps, {
        clientID: client.id,
        alg: client.policy.idTokenAlg,
        subject: ctx.user.id,
        authTime: ctx.authTime,
        nonce: ctx.nonce,
        sessionID: ctx.sessionID,
        accessToken: ctx.accessToken,
        claims: await claimsForScopes(deps.db, ctx.user, ctx.scopes),
        acr: ctx.authentication?.acr,
        amr: ctx.authentication?.amr,
      }),
    };
  },
};

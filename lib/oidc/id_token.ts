/**
 * ID tokens (OIDC Core §2, §3.1.3.6): iss, sub, aud, exp, iat, auth_time,
 * nonce, at_hash, sid, plus the claims the granted scopes release; signed
 * with the client's algorithm (RS256 unless its policy says otherwise).
 * @module
 */
import { SignJWT } from "jose";
import { createHash } from "node:crypto";
import type { SigningAlg } from "../keys.ts";
import type { Deps } from "../deps.ts";

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
  if (input.nonce) payload.nonce = input.nonce;
  if (input.sessionID) payload.sid = input.sessionID;
  if (input.accessToken) {
    payload.at_hash = tokenHash(input.accessToken, input.alg);
  }
  return await new SignJWT(payload)
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .setIssuer(deps.config.issuer)
    .setSubject(input.subject)
    .setAudience(input.clientID)
    .setIssuedAt(now)
    .setExpirationTime(now + ID_TOKEN_LIFETIME)
    .sign(key.privateKey);
}

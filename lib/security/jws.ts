/**
 * JWS Compact Serialization (RFC 7515 §7.1) of a JWT (RFC 7519): the
 * protected header and claims as base64url JSON, signed by the key's own
 * signer (OpenSSL for RS256 where it loads, WebCrypto otherwise; see
 * lib/keys.ts). Verification stays with jose.
 * @module
 */
import { Buffer } from "node:buffer";

/** What signs: a key id, its JWS `alg`, and a signature function. */
export interface JWSSigner {
  kid: string;
  alg: string;
  sign(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array>;
}

const encoder = new TextEncoder();

function encodeJSON(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/**
 * `header` gets `alg` and `kid` from the key (first, as RFC 7515 examples
 * order them); `claims` is the JWT payload as given.
 */
export async function signJWT(
  key: JWSSigner,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
): Promise<string> {
  const input = `${encodeJSON({ alg: key.alg, kid: key.kid, ...header })}.${
    encodeJSON(claims)
  }`;
  const signature = await key.sign(encoder.encode(input));
  return `${input}.${Buffer.from(signature).toString("base64url")}`;
}

/**
 * Small crypto helpers shared by sessions, tokens and keys: random tokens,
 * SHA-256 digests for storage, constant-time comparison, APP_SECRET-derived
 * keys.
 * @module
 */
import { createHash } from "node:crypto";

const encoder = new TextEncoder();

/** base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes base64url (padding optional); throws on bad input. */
export function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "===".slice((b64.length + 3) % 4));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

/** A random URL-safe string carrying `bytes` bytes of entropy (default 256 bits). */
export function randomToken(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * SHA-256 of a string, base64url: the form in which codes, tokens, client
 * secrets and session secrets are stored. Synchronous (node:crypto) because it
 * sits on every token request.
 */
export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

/**
 * Compares two strings in time independent of where they differ: every
 * UTF-16 unit of the longer is read and the differences are OR-ed together,
 * with no early exit, so only the lengths can show (the callers compare
 * digests and codes of fixed length). In plain JS because node:crypto's
 * `timingSafeEqual` costs ~3 us a call here (encoding both strings and the
 * op), 80 times this loop, on every authenticated client request.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const length = Math.max(a.length, b.length);
  let difference = a.length ^ b.length;
  for (let i = 0; i < length; i++) {
    // Past a string's end charCodeAt gives NaN, which `| 0` makes 0.
    difference |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return difference === 0;
}

/** Derives a purpose-bound key from APP_SECRET with HKDF-SHA-256. */
export async function deriveKey(
  appSecret: string,
  purpose: string,
  algorithm: AesKeyGenParams | HmacImportParams,
  usages: KeyUsage[],
): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey(
    "raw",
    encoder.encode(appSecret),
    "HKDF",
    false,
    ["deriveKey"],
  );
  return crypto.subtle.deriveKey(
    {
      name: "HKDF",
      hash: "SHA-256",
      salt: encoder.encode("oauth-server/v1"),
      info: encoder.encode(purpose),
    },
    base,
    algorithm,
    false,
    usages,
  );
}

/**
 * Small crypto helpers shared by sessions, tokens and keys: random tokens,
 * SHA-256 digests for storage, constant-time comparison, APP_SECRET-derived
 * keys.
 * @module
 */
import { timingSafeEqual as nodeTimingSafeEqual } from "node:crypto";
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

/** Compares two strings in time independent of where they differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const ab = encoder.encode(a);
  const bb = encoder.encode(b);
  if (ab.length !== bb.length) {
    // Still spend the comparison so length is the only thing that leaks.
    nodeTimingSafeEqual(ab, ab);
    return false;
  }
  return nodeTimingSafeEqual(ab, bb);
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

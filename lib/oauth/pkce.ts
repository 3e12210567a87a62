/**
 * PKCE (RFC 7636), in two places: format and policy at /authorize, proof at
 * /token. Only S256: `plain` offers no protection against a leaked
 * authorization request (RFC 9700 §2.1.1).
 * @module
 */
import { createHash } from "node:crypto";
import { timingSafeEqual } from "../security/crypto.ts";
import { InvalidGrant, InvalidRequest } from "./errors.ts";

/** RFC 7636 §4.1: 43-128 characters of [A-Z] / [a-z] / [0-9] / "-" / "." / "_" / "~". */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is the base64url of 32 bytes: exactly 43 characters. */
const S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;

/** RFC 7636 §4.2: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(verifier: string): string {
  return createHash("sha256").update(verifier).digest("base64url");
}

/**
 * Validates code_challenge / code_challenge_method at /authorize.
 * Returns the challenge to store, or null when PKCE is not used.
 */
export function checkCodeChallenge(
  challenge: string | null,
  method: string | null,
  required: boolean,
): string | null {
  if (challenge === null || challenge === "") {
    if (required) {
      throw new InvalidRequest("code_challenge is required (PKCE S256)");
    }
    return null;
  }
  // RFC 7636 §4.3: defaults to "plain" when absent, which we do not accept.
  if (method !== "S256") {
    throw new InvalidRequest(
      method === null
        ? "code_challenge_method must be S256"
        : `code_challenge_method ${method} is not supported; use S256`,
    );
  }
  if (!S256_CHALLENGE.test(challenge)) {
    throw new InvalidRequest(
      "code_challenge must be 43 base64url characters (S256)",
    );
  }
  return challenge;
}

/** RFC 7636 §4.6: the server verifies code_verifier against the stored challenge. */
export function verifyPKCE(
  verifier: string | null,
  challenge: string | null,
): void {
  if (challenge === null) {
    // RFC 9700 §2.1.1: a verifier for a code issued without a challenge is
    // a downgrade attempt.
    if (verifier !== null) {
      throw new InvalidGrant(
        "code_verifier sent for a code issued without PKCE",
      );
    }
    return;
  }
  if (verifier === null) throw new InvalidGrant("code_verifier is required");
  if (!VERIFIER.test(verifier)) {
    throw new InvalidGrant("code_verifier has an invalid format");
  }
  if (!timingSafeEqual(s256(verifier), challenge)) {
    throw new InvalidGrant("code_verifier does not match the code_challenge");
  }
}

/** A fresh verifier and its S256 challenge (the /dev/pkce helper). */
export function generatePKCE(): {
  code_verifier: string;
  code_challenge: string;
} {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const verifier = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
  return { code_verifier: verifier, code_challenge: s256(verifier) };
}

/**
 * Recovery codes: ten single-use codes a person prints or stores when they
 * turn on a second factor, to sign in when the authenticator is lost. Each
 * carries 60 random bits (12 base32 characters, shown as xxxx-xxxx-xxxx);
 * only their SHA-256 is stored, and they are shown once.
 * @module
 */
import { sha256 } from "../../security/crypto.ts";
import { base32Encode } from "./totp.ts";

export const RECOVERY_CODE_COUNT = 10;
const CODE_CHARACTERS = 12;

/** A code as typed: lower case, without spaces or dashes. */
export function normaliseRecoveryCode(input: string): string {
  return input.replace(/[\s-]/g, "").toLowerCase();
}

/** Whether `input` has the shape of a recovery code at all. */
export function looksLikeRecoveryCode(input: string): boolean {
  return /^[a-z2-7]{12}$/.test(normaliseRecoveryCode(input));
}

/** The stored form of a code. */
export function hashRecoveryCode(input: string): string {
  return sha256(`recovery:${normaliseRecoveryCode(input)}`);
}

/** Ten fresh codes, formatted for display. */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const raw = base32Encode(crypto.getRandomValues(new Uint8Array(8)))
      .slice(0, CODE_CHARACTERS).toLowerCase();
    return raw.match(/.{4}/g)!.join("-");
  });
}

/**
 * Time-based one-time passwords (RFC 6238 over HOTP, RFC 4226) with the
 * parameters every authenticator app supports: HMAC-SHA-1, 6 digits, 30 s
 * steps, a 160-bit secret (RFC 4226 §4: "The length of the shared secret
 * MUST be at least 128 bits. This document RECOMMENDs a shared secret
 * length of 160 bits."), shown as base32 (RFC 4648 §6) and as an
 * `otpauth://` URI for the QR code.
 * @module
 */
import { createHmac } from "node:crypto";
import { timingSafeEqual } from "../../security/crypto.ts";

export const TOTP_DIGITS = 6;
/** RFC 6238 §5.2: "We RECOMMEND a default time-step size of 30 seconds." */
export const TOTP_PERIOD = 30;
/**
 * RFC 6238 §5.2: "We RECOMMEND that at most one time step is allowed as
 * the network delay": the step before and after now are accepted too.
 */
export const TOTP_WINDOW = 1;
const SECRET_BYTES = 20;
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/** RFC 4648 §6 base32, without padding (as authenticator apps expect). */
export function base32Encode(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (case, spaces and padding ignored); throws on other characters. */
export function base32Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s=]/g, "").toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const index = BASE32.indexOf(ch);
    if (index < 0) throw new Error("not base32");
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** A new random secret, base32. */
export function generateTOTPSecret(): string {
  return base32Encode(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)));
}

/** RFC 6238 §4.2: T = floor((now - T0) / X), T0 = 0. */
export function timeStep(nowSeconds: number): number {
  return Math.floor(nowSeconds / TOTP_PERIOD);
}

/** RFC 4226 §5.3: HOTP(K, C) = Truncate(HMAC-SHA-1(K, C)), `digits` long. */
export function hotp(
  secret: Uint8Array,
  counter: number,
  digits = TOTP_DIGITS,
): string {
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const mac = createHmac("sha1", secret).update(message).digest();
  // §5.4: the low 4 bits of the last byte pick where the 31-bit value starts.
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) |
    (mac[offset + 2] << 8) | mac[offset + 3];
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/** The code for `nowSeconds` (what the app shows now). */
export function totpCode(secretBase32: string, nowSeconds: number): string {
  return hotp(base32Decode(secretBase32), timeStep(nowSeconds));
}

/** A code as people type it: digits only (spaces and dashes dropped). */
export function normaliseCode(input: string): string {
  return input.replace(/[\s-]/g, "");
}

/**
 * The time step `code` is valid for, within the window around now and
 * after `lastStep` (RFC 6238 §5.2: "the verifier MUST NOT accept the second
 * attempt of the OTP after the successful validation has been issued for
 * the first OTP"), or null. Every candidate is compared in constant time.
 */
export function matchingStep(
  secretBase32: string,
  input: string,
  nowSeconds: number,
  lastStep: number,
): number | null {
  const code = normaliseCode(input);
  if (!/^\d{6}$/.test(code)) return null;
  const secret = base32Decode(secretBase32);
  const now = timeStep(nowSeconds);
  let found: number | null = null;
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    const match = timingSafeEqual(hotp(secret, step), code);
    if (match && step > lastStep && found === null) found = step;
  }
  return found;
}

/**
 * The key URI authenticator apps read from the QR code
 * (`otpauth://totp/Issuer:account?secret=…&issuer=…`).
 */
export function otpauthURI(
  secretBase32: string,
  issuer: string,
  account: string,
): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: "SHA1",
    digits: String(TOTP_DIGITS),
    period: String(TOTP_PERIOD),
  });
  return `otpauth://totp/${label}?${params}`;
}

/** The secret in groups of four, as it is easiest to type. */
export function groupedSecret(secretBase32: string): string {
  return secretBase32.replace(/(.{4})/g, "$1 ").trim();
}

/**
 * WebAuthn challenges (Level 3 §13.4.3: "challenges MUST be randomly
 * generated ... and MUST be at least 16 bytes long"; the RP must check the
 * one it sent comes back): stateless until used. A challenge is 16 random
 * bytes, an expiry and a MAC under a key derived from APP_SECRET over both,
 * the ceremony (`webauthn.get` / `webauthn.create`) and the user it is for
 * (registration), so showing a sign-in page writes nothing anywhere. A
 * challenge that verified is recorded in Deno KV (shared by every thread
 * and instance) until it expires, so each is used once: a replayed
 * assertion fails even for an authenticator whose counter stays 0, as
 * synced passkeys' do.
 * @module
 */
import { base64url, deriveKey, fromBase64url } from "../../security/crypto.ts";
import { timingSafeEqual } from "node:crypto";

export type Ceremony = "webauthn.get" | "webauthn.create";

/** How long a page's challenge stays usable (a sign-in page may sit open). */
export const CHALLENGE_LIFETIME = 600;
const NONCE_BYTES = 16;
const MAC_BYTES = 16;
const LENGTH = NONCE_BYTES + 4 + MAC_BYTES;

const keys = new Map<string, Promise<CryptoKey>>();

function macKey(appSecret: string): Promise<CryptoKey> {
  let key = keys.get(appSecret);
  if (!key) {
    key = deriveKey(appSecret, "webauthn-challenge", {
      name: "HMAC",
      hash: "SHA-256",
      length: 256,
    }, ["sign"]);
    keys.set(appSecret, key);
  }
  return key;
}

async function mac(
  appSecret: string,
  ceremony: Ceremony,
  subject: string,
  body: Uint8Array,
): Promise<Uint8Array> {
  const context = new TextEncoder().encode(`${ceremony}\0${subject}\0`);
  const data = new Uint8Array(context.length + body.length);
  data.set(context);
  data.set(body, context.length);
  const full = await crypto.subtle.sign("HMAC", await macKey(appSecret), data);
  return new Uint8Array(full, 0, MAC_BYTES);
}

/**
 * A new challenge for `ceremony`, bound to `subject` (a user id for
 * registration; "" for a sign-in that may turn out to be anyone).
 */
export async function issueChallenge(
  appSecret: string,
  ceremony: Ceremony,
  subject: string,
  now: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const out = new Uint8Array(LENGTH);
  out.set(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
  new DataView(out.buffer).setUint32(NONCE_BYTES, now + CHALLENGE_LIFETIME);
  const body = out.subarray(0, NONCE_BYTES + 4);
  out.set(await mac(appSecret, ceremony, subject, body), NONCE_BYTES + 4);
  return out;
}

/** Whether a challenge (base64url, from clientDataJSON) is ours, for this, and unexpired. */
export async function challengeValid(
  appSecret: string,
  ceremony: Ceremony,
  subject: string,
  challenge: string,
  now: number,
): Promise<boolean> {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64url(challenge);
  } catch {
    return false;
  }
  if (bytes.length !== LENGTH) return false;
  const body = bytes.subarray(0, NONCE_BYTES + 4);
  const expected = await mac(appSecret, ceremony, subject, body);
  if (!timingSafeEqual(expected, bytes.subarray(NONCE_BYTES + 4))) {
    return false;
  }
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(NONCE_BYTES) >
    now;
}

/**
 * Records a verified challenge as used; false when it was used before (a
 * replay) or the record could not be written (then nothing is allowed).
 */
export async function consumeChallenge(
  kv: Deno.Kv,
  challenge: string,
  now: number,
): Promise<boolean> {
  const key = ["webauthn-challenge", challenge];
  try {
    const result = await kv.atomic().check({ key, versionstamp: null })
      .set(key, now, { expireIn: (CHALLENGE_LIFETIME + 60) * 1000 })
      .commit();
    return result.ok;
  } catch {
    return false;
  }
}

/** The challenge bytes as options carry them. */
export function challengeText(challenge: Uint8Array): string {
  return base64url(challenge);
}

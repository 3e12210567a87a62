/**
 * Sealing short-lived secrets the server must read back (a refresh token's
 * successor kept through its reuse grace window): AES-256-GCM under a key
 * derived from APP_SECRET for that purpose. Hashes are for what is only
 * ever compared; this is for the rare value that must be answered again.
 * @module
 */
import { base64url, deriveKey, fromBase64url } from "./crypto.ts";

const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(appSecret: string, purpose: string): Promise<CryptoKey> {
  const id = `${purpose}\0${appSecret}`;
  let key = keys.get(id);
  if (!key) {
    key = deriveKey(appSecret, `sealed:${purpose}`, {
      name: "AES-GCM",
      length: 256,
    }, ["encrypt", "decrypt"]);
    keys.set(id, key);
  }
  return key;
}

/** `iv.ciphertext`, base64url; `purpose` is bound in as associated data. */
export async function seal(
  appSecret: string,
  purpose: string,
  plaintext: string,
): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    {
      name: "AES-GCM",
      iv,
      additionalData: new TextEncoder().encode(purpose),
    },
    await keyFor(appSecret, purpose),
    new TextEncoder().encode(plaintext),
  );
  return `${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
}

/** The plaintext of `seal`, or null when it does not open (tampered, other secret). */
export async function unseal(
  appSecret: string,
  purpose: string,
  sealed: string,
): Promise<string | null> {
  const [iv, data] = sealed.split(".");
  try {
    const plain = await crypto.subtle.decrypt(
      {
        name: "AES-GCM",
        iv: fromBase64url(iv),
        additionalData: new TextEncoder().encode(purpose),
      },
      await keyFor(appSecret, purpose),
      fromBase64url(data ?? ""),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}

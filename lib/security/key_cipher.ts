/**
 * Private signing keys at rest: AES-256-GCM under a key derived (HKDF) from
 * APP_SECRET, stored as `v1.<iv>.<ciphertext>`. Whoever reads the database
 * without the secret learns no private key; a server started with another
 * secret cannot open them (and says so: lib/keys.ts, main.ts).
 * @module
 */
import { base64url, deriveKey, fromBase64url } from "./crypto.ts";

export class KeyCipher {
  #key: CryptoKey;

  private constructor(key: CryptoKey) {
    this.#key = key;
  }

  /** The cipher of `appSecret`. */
  static async fromSecret(appSecret: string): Promise<KeyCipher> {
    return new KeyCipher(
      await deriveKey(
        appSecret,
        "signing-key-encryption",
        { name: "AES-GCM", length: 256 },
        ["encrypt", "decrypt"],
      ),
    );
  }

  async encrypt(plain: string): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv },
      this.#key,
      new TextEncoder().encode(plain),
    );
    return `v1.${base64url(iv)}.${base64url(new Uint8Array(ct))}`;
  }

  /** The plain text; throws when this secret is not the one it was stored with. */
  async decrypt(stored: string): Promise<string> {
    const [version, iv, ct] = stored.split(".");
    if (version !== "v1" || !iv || !ct) {
      throw new Error("signing key: unknown encryption format");
    }
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64url(iv) },
        this.#key,
        fromBase64url(ct),
      );
      return new TextDecoder().decode(plain);
    } catch (err) {
      throw new Error(
        "signing key cannot be decrypted: APP_SECRET differs from the one the key was stored with",
        { cause: err },
      );
    }
  }

  /** Whether this secret opens `stored`. */
  async opens(stored: string): Promise<boolean> {
    try {
      await this.decrypt(stored);
      return true;
    } catch {
      return false;
    }
  }
}

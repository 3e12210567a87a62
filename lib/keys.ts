/**
 * Signing keys: created on first start, rotated on demand, published as a
 * JWKS. Private JWKs are stored AES-256-GCM encrypted under a key derived
 * from APP_SECRET; imported keys are cached and reloaded when the key
 * table changes (checked at most every few seconds, so a rotation on one
 * instance reaches the others). RS256 and ES256 sign through OpenSSL where
 * libcrypto loads (lib/security/openssl.ts), else through WebCrypto.
 * @module
 */
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from "jose";
import type { DB, SigningKeyRow } from "./db/schema.ts";
import {
  insertSigningKey,
  listSigningKeys,
  retireOtherKeys,
} from "./db/signing_keys.ts";
import { base64url, deriveKey, fromBase64url } from "./security/crypto.ts";
import type { JWSSigner } from "./security/jws.ts";
import {
  type NativeAlg,
  type NativeSigner,
  nativeSigner,
  nativeSigningAvailable,
} from "./security/openssl.ts";

import { SIGNING_ALGS, type SigningAlg } from "./oauth/vocabulary.ts";

export { SIGNING_ALGS, type SigningAlg };

/** How stale this process's view of the key table may get, in seconds. */
const RELOAD_AFTER_SECONDS = 5;
const PUBLIC_MEMBERS = ["kty", "n", "e", "crv", "x", "y"] as const;

export interface SigningKey extends JWSSigner {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
  /** Who computes `sign`: OpenSSL (RS256, ES256 where it loads) or WebCrypto. */
  backend: "openssl" | "webcrypto";
}

/** WebCrypto's name for each JWS algorithm (RFC 7518 §3.1, RFC 8037). */
const WEBCRYPTO_PARAMS: Record<SigningAlg, AlgorithmIdentifier | EcdsaParams> =
  {
    RS256: { name: "RSASSA-PKCS1-v1_5" },
    ES256: { name: "ECDSA", hash: "SHA-256" },
    EdDSA: { name: "Ed25519" },
  };

/** Frees OpenSSL's copy of a key once no request can still hold it. */
const nativeKeys = new FinalizationRegistry<NativeSigner>((signer) =>
  signer.free()
);

/**
 * A signing key from its private JWK: RS256 and ES256 sign through OpenSSL
 * when libcrypto loads (~3.5x and ~15x faster), EdDSA (fast already) and
 * the fallback through WebCrypto.
 */
export async function importSigningKey(
  kid: string,
  alg: SigningAlg,
  jwk: JWK,
): Promise<SigningKey> {
  const privateKey = await importJWK(jwk, alg) as CryptoKey;
  const params = WEBCRYPTO_PARAMS[alg];
  if ((alg === "RS256" || alg === "ES256") && nativeSigningAvailable()) {
    // Any failure on the way to OpenSSL leaves WebCrypto signing.
    const native = await importNative(alg, jwk).catch(() => null);
    if (native) {
      const key: SigningKey = {
        kid,
        alg,
        privateKey,
        backend: "openssl",
        sign: (data) => Promise.resolve(native.sign(data)),
      };
      nativeKeys.register(key, native);
      return key;
    }
  }
  return {
    kid,
    alg,
    privateKey,
    backend: "webcrypto",
    sign: async (data) =>
      new Uint8Array(await crypto.subtle.sign(params, privateKey, data)),
  };
}

/** The key in OpenSSL, or null (see lib/security/openssl.ts). */
async function importNative(
  alg: NativeAlg,
  jwk: JWK,
): Promise<NativeSigner | null> {
  const params = alg === "RS256"
    ? { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }
    : { name: "ECDSA", namedCurve: "P-256" };
  const publicJWK: JsonWebKey = alg === "RS256"
    ? { kty: "RSA", n: jwk.n, e: jwk.e }
    : { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y };
  const extractable = await crypto.subtle.importKey(
    "jwk",
    jwk as JsonWebKey,
    params,
    true,
    ["sign"],
  );
  const pkcs8 = new Uint8Array(
    await crypto.subtle.exportKey("pkcs8", extractable),
  );
  const publicKey = await crypto.subtle.importKey(
    "jwk",
    publicJWK,
    params,
    false,
    ["verify"],
  );
  try {
    return await nativeSigner(alg, pkcs8, publicKey);
  } finally {
    pkcs8.fill(0);
  }
}

export interface PublicJWK extends JWK {
  kid: string;
  alg: string;
  use: "sig";
}

export interface JWKS {
  keys: PublicJWK[];
}

function generationOptions(alg: SigningAlg) {
  return alg === "RS256"
    ? { extractable: true, modulusLength: 2048 }
    : alg === "EdDSA"
    ? { extractable: true, crv: "Ed25519" }
    : { extractable: true };
}

/** Keeps only the public members of a JWK, with kid/alg/use. */
export function toPublicJWK(jwk: JWK, kid: string, alg: string): PublicJWK {
  const out: Record<string, unknown> = {};
  for (const m of PUBLIC_MEMBERS) if (jwk[m] !== undefined) out[m] = jwk[m];
  return { ...out, kid, alg, use: "sig" } as PublicJWK;
}

export class KeyStore {
  #db: DB;
  #encryptionKey: CryptoKey;
  #now: () => number;
  #loadedAt = -Infinity;
  #loading: Promise<void> | null = null;
  #signing = new Map<SigningAlg, SigningKey>();
  #jwks: JWKS = { keys: [] };
  #jwksJSON = '{"keys":[]}';

  private constructor(db: DB, encryptionKey: CryptoKey, now: () => number) {
    this.#db = db;
    this.#encryptionKey = encryptionKey;
    this.#now = now;
  }

  /** Opens the store, creating the first RS256 key when none exists. */
  static async open(
    db: DB,
    appSecret: string,
    now: () => number,
  ): Promise<KeyStore> {
    const encryptionKey = await deriveKey(
      appSecret,
      "signing-key-encryption",
      { name: "AES-GCM", length: 256 },
      ["encrypt", "decrypt"],
    );
    const store = new KeyStore(db, encryptionKey, now);
    await store.reload();
    if (!store.#signing.has("RS256")) {
      await store.rotate("RS256");
    }
    return store;
  }

  /** The active key for `alg`, creating one the first time an alg is used. */
  async signingKey(alg: SigningAlg = "RS256"): Promise<SigningKey> {
    await this.#maybeReload();
    const key = this.#signing.get(alg);
    if (key) return key;
    await this.rotate(alg);
    return this.#signing.get(alg)!;
  }

  /** Public keys, active and retired (retired ones verify older tokens). */
  async jwks(): Promise<JWKS> {
    await this.#maybeReload();
    return this.#jwks;
  }

  /** The JWKS pre-serialised, for the hot JWKS endpoint. */
  async jwksJSON(): Promise<string> {
    await this.#maybeReload();
    return this.#jwksJSON;
  }

  /** Creates a new active key for `alg` and retires the previous one. */
  async rotate(alg: SigningAlg = "RS256"): Promise<PublicJWK> {
    const { publicKey, privateKey } = await generateKeyPair(
      alg,
      generationOptions(alg),
    );
    const publicJWK = await exportJWK(publicKey);
    const privateJWK = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(publicJWK, "sha256");
    const now = this.#now();
    await this.#db.transaction().execute(async (trx) => {
      await insertSigningKey(trx, {
        kid,
        alg,
        public_jwk: JSON.stringify(toPublicJWK(publicJWK, kid, alg)),
        private_jwk_enc: await this.#encrypt(JSON.stringify(privateJWK)),
        status: "active",
        created_at: now,
        retired_at: null,
      });
      await retireOtherKeys(trx, alg, kid, now);
    });
    await this.reload();
    return toPublicJWK(publicJWK, kid, alg);
  }

  /** Re-reads the key table now (after a rotation or deletion). */
  async reload(): Promise<void> {
    const rows = await listSigningKeys(this.#db);
    const signing = new Map<SigningAlg, SigningKey>();
    for (const row of rows) {
      if (row.status !== "active" || signing.has(row.alg as SigningAlg)) {
        continue;
      }
      signing.set(row.alg as SigningAlg, await this.#importPrivate(row));
    }
    this.#signing = signing;
    this.#jwks = {
      keys: rows.map((r) => JSON.parse(r.public_jwk) as PublicJWK),
    };
    this.#jwksJSON = JSON.stringify(this.#jwks);
    this.#loadedAt = this.#now();
  }

  async #maybeReload(): Promise<void> {
    // The injected clock, so tests can move past the interval without sleeping.
    if (this.#now() - this.#loadedAt < RELOAD_AFTER_SECONDS) return;
    this.#loading ??= this.reload().finally(() => {
      this.#loading = null;
    });
    await this.#loading;
  }

  async #importPrivate(row: SigningKeyRow): Promise<SigningKey> {
    // Reloads (every few seconds) keep keys already imported: importing
    // into OpenSSL and self-testing costs milliseconds.
    const known = [...this.#signing.values()].find((k) => k.kid === row.kid);
    if (known) return known;
    const jwk = JSON.parse(await this.#decrypt(row.private_jwk_enc)) as JWK;
    return await importSigningKey(row.kid, row.alg as SigningAlg, jwk);
  }

  async #encrypt(plain: string): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv },
      this.#encryptionKey,
      new TextEncoder().encode(plain),
    );
    return `v1.${base64url(iv)}.${base64url(new Uint8Array(ct))}`;
  }

  async #decrypt(stored: string): Promise<string> {
    const [version, iv, ct] = stored.split(".");
    if (version !== "v1" || !iv || !ct) {
      throw new Error("signing key: unknown encryption format");
    }
    try {
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64url(iv) },
        this.#encryptionKey,
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
}

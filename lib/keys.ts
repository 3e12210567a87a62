/**
 * Signing keys: created on first start, rotated on demand, published as a
 * JWKS before they sign (lib/key_schedule.ts). Private JWKs are stored
 * encrypted under APP_SECRET (lib/security/key_cipher.ts); the key table
 * is cached per thread and read again at once when any thread of the
 * process changed it (lib/db/invalidation.ts), else every second (a change
 * on another instance). RS256 and ES256 sign through OpenSSL where
 * libcrypto loads (lib/security/openssl.ts), else through WebCrypto.
 * @module
 */
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  type JWK,
} from "jose";
import { DEFAULT_JWKS_MAX_AGE } from "./config.ts";
import type { DB, SigningKeyRow } from "./db/schema.ts";
import { type Generation, generationOf } from "./db/invalidation.ts";
import {
  insertSigningKey,
  listSigningKeys,
  retireOtherKeysAt,
} from "./db/signing_keys.ts";
import {
  activationDelay,
  KEY_RELOAD_SECONDS,
  signerOf,
} from "./key_schedule.ts";
import { sha256 } from "./security/crypto.ts";
import { KeyCipher } from "./security/key_cipher.ts";
import { importSigningKey, type SigningKey } from "./security/signing_key.ts";
import { SIGNING_ALGS, type SigningAlg } from "./oauth/vocabulary.ts";

export { importSigningKey, SIGNING_ALGS, type SigningAlg, type SigningKey };

const PUBLIC_MEMBERS = ["kty", "n", "e", "crv", "x", "y"] as const;

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

/** Options of `KeyStore.open`. */
export interface KeyStoreOptions {
  /**
   * The JWKS `max-age` the server advertises: a rotated key signs only
   * after it (lib/key_schedule.ts). Default `DEFAULT_JWKS_MAX_AGE`.
   */
  jwksMaxAge?: number;
}

/**
 * Stored keys this APP_SECRET cannot open: the secret changed or was lost.
 * Refusing to start beats signing with fresh keys nobody expects.
 */
export class UndecryptableKeysError extends Error {
  override name = "UndecryptableKeysError";
  constructor(readonly kids: string[]) {
    super(
      `${kids.length} signing key(s) cannot be decrypted: APP_SECRET differs from the one the keys were stored with (${
        kids.join(", ")
      })`,
    );
  }
}

/** The kids of the stored keys `cipher` cannot open. */
export async function undecryptableKeys(
  db: DB,
  cipher: KeyCipher,
): Promise<string[]> {
  const failed: string[] = [];
  for (const row of await listSigningKeys(db)) {
    if (!(await cipher.opens(row.private_jwk_enc))) failed.push(row.kid);
  }
  return failed;
}

export class KeyStore {
  #db: DB;
  #cipher: KeyCipher;
  #now: () => number;
  #generation: Generation;
  #activationDelay: number;
  #loadedAt = -Infinity;
  /** The shared counter's value the loaded state was read under. */
  #seen = NaN;
  #loading: Promise<void> | null = null;
  #rows: SigningKeyRow[] = [];
  #imported = new Map<string, SigningKey>();
  #jwks: JWKS = { keys: [] };
  #jwksJSON = '{"keys":[]}';
  #jwksETag = "";

  private constructor(
    db: DB,
    cipher: KeyCipher,
    now: () => number,
    activationDelay: number,
  ) {
    this.#db = db;
    this.#cipher = cipher;
    this.#now = now;
    this.#generation = generationOf(db);
    this.#activationDelay = activationDelay;
  }

  /**
   * Opens the store, creating the first RS256 key when none exists.
   * Throws `UndecryptableKeysError` when APP_SECRET opens none of some keys.
   */
  static async open(
    db: DB,
    appSecret: string,
    now: () => number,
    options: KeyStoreOptions = {},
  ): Promise<KeyStore> {
    const store = new KeyStore(
      db,
      await KeyCipher.fromSecret(appSecret),
      now,
      activationDelay(options.jwksMaxAge ?? DEFAULT_JWKS_MAX_AGE),
    );
    await store.#checkDecryptable();
    await store.reload();
    if (!store.#rows.some((r) => r.alg === "RS256")) {
      await store.rotate("RS256", { immediately: true });
    }
    return store;
  }

  /**
   * The key that signs `alg` now (lib/key_schedule.ts); the first time an
   * alg is used (no key of it can sign), a key made for it signs at once.
   */
  async signingKey(alg: SigningAlg = "RS256"): Promise<SigningKey> {
    await this.#fresh();
    const row = signerOf(this.#rows, alg, this.#now());
    if (row) return await this.#signer(row);
    await this.rotate(alg, { immediately: true });
    return await this.signingKey(alg);
  }

  /** Public keys: waiting, active and retired (retired ones verify older tokens). */
  async jwks(): Promise<JWKS> {
    await this.#fresh();
    return this.#jwks;
  }

  /** The JWKS pre-serialised, for the hot JWKS endpoint. */
  async jwksJSON(): Promise<string> {
    await this.#fresh();
    return this.#jwksJSON;
  }

  /** The JWKS with its entity tag (changes whenever its content does). */
  async jwksDocument(): Promise<{ json: string; etag: string }> {
    await this.#fresh();
    return { json: this.#jwksJSON, etag: this.#jwksETag };
  }

  /**
   * Creates a key for `alg`, published at once; it signs after the JWKS
   * cache lifetime (`activates_at`), when the previous key of `alg` stops.
   * `immediately` (or when no key of `alg` can sign): signs now.
   */
  async rotate(
    alg: SigningAlg = "RS256",
    options: { immediately?: boolean } = {},
  ): Promise<PublicJWK> {
    const { publicKey, privateKey } = await generateKeyPair(
      alg,
      generationOptions(alg),
    );
    const publicJWK = await exportJWK(publicKey);
    const privateJWK = await exportJWK(privateKey);
    const kid = await calculateJwkThumbprint(publicJWK, "sha256");
    const now = this.#now();
    await this.#fresh();
    // With no key of `alg` able to sign, nobody holds one to compare: the
    // new key signs at once rather than leaving `alg` without a key.
    const immediately = options.immediately === true ||
      signerOf(this.#rows, alg, now) === null;
    const activatesAt = immediately ? now : now + this.#activationDelay;
    await this.#db.transaction().execute(async (trx) => {
      await insertSigningKey(trx, {
        kid,
        alg,
        public_jwk: JSON.stringify(toPublicJWK(publicJWK, kid, alg)),
        private_jwk_enc: await this.#cipher.encrypt(JSON.stringify(privateJWK)),
        status: "active",
        created_at: now,
        activates_at: activatesAt,
        retired_at: null,
      });
      await retireOtherKeysAt(trx, alg, kid, activatesAt);
    });
    await this.reload();
    return toPublicJWK(publicJWK, kid, alg);
  }

  /** Re-reads the key table now (after a rotation or deletion). */
  async reload(): Promise<void> {
    // Read before the rows: a change committed meanwhile counts as unseen.
    const generation = this.#generation.read();
    const rows = await listSigningKeys(this.#db);
    const kids = new Set(rows.map((r) => r.kid));
    for (const kid of this.#imported.keys()) {
      if (!kids.has(kid)) this.#imported.delete(kid);
    }
    this.#rows = rows;
    this.#jwks = {
      keys: rows.map((r) => JSON.parse(r.public_jwk) as PublicJWK),
    };
    const json = JSON.stringify(this.#jwks);
    if (json !== this.#jwksJSON || !this.#jwksETag) {
      this.#jwksJSON = json;
      this.#jwksETag = `"${sha256(json).slice(0, 27)}"`;
    }
    this.#seen = generation;
    this.#loadedAt = this.#now();
  }

  /**
   * Reloads when a thread of this process changed the keys (the shared
   * counter moved) or the reload interval passed (another instance may
   * have); a reload that began before the change does not count.
   */
  async #fresh(): Promise<void> {
    while (
      this.#seen !== this.#generation.read() ||
      // The injected clock, so tests can move past it without sleeping.
      this.#now() - this.#loadedAt >= KEY_RELOAD_SECONDS
    ) {
      this.#loading ??= this.reload().finally(() => {
        this.#loading = null;
      });
      await this.#loading;
    }
  }

  /** The imported key of `row`, imported on first use. */
  async #signer(row: SigningKeyRow): Promise<SigningKey> {
    const known = this.#imported.get(row.kid);
    if (known) return known;
    const key = await this.#importPrivate(row);
    this.#imported.set(row.kid, key);
    return key;
  }

  /** Throws `UndecryptableKeysError` naming every key this secret cannot open. */
  async #checkDecryptable(): Promise<void> {
    const failed = await undecryptableKeys(this.#db, this.#cipher);
    if (failed.length) throw new UndecryptableKeysError(failed);
  }

  async #importPrivate(row: SigningKeyRow): Promise<SigningKey> {
    // Importing into OpenSSL and self-testing costs milliseconds: once a key.
    const jwk = JSON.parse(
      await this.#cipher.decrypt(row.private_jwk_enc),
    ) as JWK;
    return await importSigningKey(row.kid, row.alg as SigningAlg, jwk);
  }
}

/**
 * RS256, ES256 and EdDSA signatures through the system's OpenSSL (libcrypto)
 * over Deno's FFI. OIDC makes RS256 the ID token default, and it is the
 * slowest thing a token request does: Deno's WebCrypto signs RSA-2048 in
 * ~2.5-3.5 ms on these machines, libcrypto in ~0.9 ms; ES256 0.8 ms against
 * ~0.05 ms; Ed25519 ~0.05 ms against ~0.035 ms, and synchronously, without
 * WebCrypto's trip through a thread pool (`deno run -A bench/micro.ts`).
 * RSASSA-PKCS1-v1_5 and Ed25519 are deterministic, so for RS256 and EdDSA
 * both produce the very same bytes.
 *
 * Optional by design: where libcrypto cannot be loaded (no FFI permission,
 * Deno Deploy, a system without OpenSSL 3) `nativeSigner` answers null and
 * the caller signs with WebCrypto. Each imported key proves itself once (its
 * signature must verify with the WebCrypto public key) before use.
 * @module
 */

const LIBRARY_NAMES = [
  "libcrypto.so.3",
  "libcrypto.so",
  "libcrypto.3.dylib",
  "/opt/homebrew/opt/openssl@3/lib/libcrypto.3.dylib",
  "/usr/local/opt/openssl@3/lib/libcrypto.3.dylib",
];

const SYMBOLS = {
  BIO_new_mem_buf: { parameters: ["pointer", "i32"], result: "pointer" },
  BIO_free: { parameters: ["pointer"], result: "i32" },
  d2i_PrivateKey_bio: { parameters: ["pointer", "pointer"], result: "pointer" },
  EVP_PKEY_free: { parameters: ["pointer"], result: "void" },
  EVP_PKEY_get_base_id: { parameters: ["pointer"], result: "i32" },
  EVP_sha256: { parameters: [], result: "pointer" },
  EVP_MD_CTX_new: { parameters: [], result: "pointer" },
  EVP_MD_CTX_free: { parameters: ["pointer"], result: "void" },
  EVP_DigestSignInit: {
    parameters: ["pointer", "pointer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  EVP_DigestSign: {
    parameters: ["pointer", "buffer", "buffer", "buffer", "usize"],
    result: "i32",
  },
} as const;

/**
 * NIDs of rsaEncryption, id-ecPublicKey and ED25519: the key type each alg
 * needs.
 */
const KEY_TYPES = { RS256: 6, ES256: 408, EdDSA: 1087 } as const;
/** ES256 signatures are r || s, 32 bytes each (RFC 7518 §3.4). */
const P256_SCALAR_BYTES = 32;

export type NativeAlg = keyof typeof KEY_TYPES;

/** WebCrypto parameters to verify each alg's self-test signature. */
const VERIFY_PARAMS: Record<NativeAlg, AlgorithmIdentifier | EcdsaParams> = {
  RS256: { name: "RSASSA-PKCS1-v1_5" },
  ES256: { name: "ECDSA", hash: "SHA-256" },
  EdDSA: { name: "Ed25519" },
};
/** Room for a signature of up to 8192-bit keys. */
const MAX_SIGNATURE_BYTES = 1024;

type Library = Deno.DynamicLibrary<typeof SYMBOLS>;

let library: Library | null | undefined;

/** libcrypto, or null when it cannot be loaded here (tried once). */
function openLibrary(): Library | null {
  if (library !== undefined) return library;
  library = null;
  if (typeof Deno.dlopen !== "function") return library;
  // Without --allow-ffi, asking would prompt on a terminal and block start.
  if (Deno.permissions.querySync?.({ name: "ffi" }).state !== "granted") {
    return library;
  }
  for (const name of LIBRARY_NAMES) {
    try {
      library = Deno.dlopen(name, SYMBOLS);
      break;
    } catch {
      // Not here, or no --allow-ffi: try the next name, else WebCrypto.
    }
  }
  return library;
}

/** Whether libcrypto can be loaded here (FFI allowed, library found). */
export function nativeSigningAvailable(): boolean {
  return openLibrary() !== null;
}

/** Signs with one private key held by OpenSSL. */
export interface NativeSigner {
  /** The JWS signature over `data` (for ES256: r || s, not DER). */
  sign(data: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
  /** Frees the key in OpenSSL; the signer must not be used afterwards. */
  free(): void;
}

function importKey(
  lib: Library,
  pkcs8: Uint8Array<ArrayBuffer>,
): Deno.PointerValue {
  // The BIO reads `pkcs8` in place during the next call, so it is passed as
  // a raw pointer (a "buffer" argument is only pinned for its own call);
  // `pkcs8` stays referenced until this function returns.
  const bio = lib.symbols.BIO_new_mem_buf(
    Deno.UnsafePointer.of(pkcs8),
    pkcs8.byteLength,
  );
  if (bio === null) return null;
  try {
    return lib.symbols.d2i_PrivateKey_bio(bio, null);
  } finally {
    lib.symbols.BIO_free(bio);
  }
}

function signWith(
  lib: Library,
  alg: NativeAlg,
  pkey: Deno.PointerObject,
  data: Uint8Array<ArrayBuffer>,
): Uint8Array<ArrayBuffer> {
  const ctx = lib.symbols.EVP_MD_CTX_new();
  if (ctx === null) throw new Error("openssl: EVP_MD_CTX_new failed");
  try {
    // Ed25519 hashes inside the signature scheme (RFC 8032): no digest.
    const md = alg === "EdDSA" ? null : lib.symbols.EVP_sha256();
    // RSA keys sign with PKCS#1 v1.5 padding unless told otherwise; EC keys
    // with ECDSA (DER output, converted by the caller); Ed25519 keys with
    // PureEdDSA, r || s already.
    if (lib.symbols.EVP_DigestSignInit(ctx, null, md, null, pkey) !== 1) {
      throw new Error("openssl: EVP_DigestSignInit failed");
    }
    const signature = new Uint8Array(MAX_SIGNATURE_BYTES);
    const length = new BigUint64Array([BigInt(MAX_SIGNATURE_BYTES)]);
    const ok = lib.symbols.EVP_DigestSign(
      ctx,
      signature,
      new Uint8Array(length.buffer),
      data,
      BigInt(data.byteLength),
    );
    if (ok !== 1) throw new Error("openssl: EVP_DigestSign failed");
    return signature.slice(0, Number(length[0]));
  } finally {
    lib.symbols.EVP_MD_CTX_free(ctx);
  }
}

/**
 * An ECDSA signature as JWS wants it (RFC 7518 §3.4: r and s as 32-byte
 * big-endian integers, concatenated) from OpenSSL's DER
 * `SEQUENCE { INTEGER r, INTEGER s }`.
 */
export function ecdsaDERToJOSE(
  der: Uint8Array,
  size = P256_SCALAR_BYTES,
): Uint8Array<ArrayBuffer> {
  const fail = () => new Error("openssl: malformed ECDSA signature");
  // For P-256 the sequence is at most 72 bytes: short-form lengths only.
  if (der[0] !== 0x30 || der[1] !== der.length - 2) throw fail();
  const out = new Uint8Array(size * 2);
  let at = 2;
  for (let part = 0; part < 2; part++) {
    if (der[at] !== 0x02) throw fail();
    let length = der[at + 1];
    let start = at + 2;
    if (length < 1 || start + length > der.length) throw fail();
    at = start + length;
    // Drop the sign byte DER adds when the top bit is set.
    while (length > size && der[start] === 0) {
      start++;
      length--;
    }
    if (length > size) throw fail();
    out.set(der.subarray(start, start + length), part * size + size - length);
  }
  if (at !== der.length) throw fail();
  return out;
}

/**
 * An OpenSSL signer for the `alg` key `pkcs8` (DER), checked against
 * `publicKey`; null when libcrypto is unavailable or the check fails.
 * The caller should wipe `pkcs8` afterwards.
 */
export async function nativeSigner(
  alg: NativeAlg,
  pkcs8: Uint8Array<ArrayBuffer>,
  publicKey: CryptoKey,
): Promise<NativeSigner | null> {
  const lib = openLibrary();
  if (!lib) return null;
  const pkey = importKey(lib, pkcs8);
  if (pkey === null) return null;
  let freed = false;
  const signer: NativeSigner = {
    sign(data) {
      if (freed) throw new Error("openssl: key already freed");
      const signature = signWith(lib, alg, pkey, data);
      return alg === "ES256" ? ecdsaDERToJOSE(signature) : signature;
    },
    free() {
      if (!freed) lib.symbols.EVP_PKEY_free(pkey);
      freed = true;
    },
  };
  try {
    if (lib.symbols.EVP_PKEY_get_base_id(pkey) !== KEY_TYPES[alg]) {
      signer.free();
      return null;
    }
    const probe = crypto.getRandomValues(new Uint8Array(32));
    const verified = await crypto.subtle.verify(
      VERIFY_PARAMS[alg],
      publicKey,
      signer.sign(probe),
      probe,
    );
    if (verified) return signer;
  } catch {
    // Fall through: WebCrypto signs instead.
  }
  signer.free();
  return null;
}

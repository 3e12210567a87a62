/**
 * RS256 signatures through the system's OpenSSL (libcrypto) over Deno's
 * FFI. OIDC makes RS256 the ID token default, and it is the slowest thing a
 * token request does: Deno's WebCrypto signs RSA-2048 in ~2.5-3.5 ms on
 * these machines, libcrypto in ~0.9 ms (`deno run -A bench/micro.ts`).
 * RSASSA-PKCS1-v1_5 is deterministic, so both produce the very same bytes.
 *
 * Optional by design: where libcrypto cannot be loaded (no FFI permission,
 * Deno Deploy, a system without OpenSSL 3) `nativeRSASigner` answers null
 * and the caller signs with WebCrypto. Each imported key proves itself once
 * (its signature must verify with the WebCrypto public key) before use.
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
  BIO_new_mem_buf: { parameters: ["buffer", "i32"], result: "pointer" },
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

/** NID of rsaEncryption: the key must be RSA (not RSA-PSS, not EC). */
const EVP_PKEY_RSA = 6;
/** Room for a signature of up to 8192-bit keys. */
const MAX_SIGNATURE_BYTES = 1024;

type Library = Deno.DynamicLibrary<typeof SYMBOLS>;

let library: Library | null | undefined;

/** libcrypto, or null when it cannot be loaded here (tried once). */
function openLibrary(): Library | null {
  if (library !== undefined) return library;
  library = null;
  if (typeof Deno.dlopen !== "function") return library;
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

/** Signs with one RSA private key held by OpenSSL. */
export interface NativeRSASigner {
  /** RSASSA-PKCS1-v1_5 with SHA-256 over `data`. */
  sign(data: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer>;
  /** Frees the key in OpenSSL; the signer must not be used afterwards. */
  free(): void;
}

function importKey(
  lib: Library,
  pkcs8: Uint8Array<ArrayBuffer>,
): Deno.PointerValue {
  const bio = lib.symbols.BIO_new_mem_buf(pkcs8, pkcs8.byteLength);
  if (bio === null) return null;
  try {
    return lib.symbols.d2i_PrivateKey_bio(bio, null);
  } finally {
    lib.symbols.BIO_free(bio);
  }
}

function signWith(
  lib: Library,
  pkey: Deno.PointerObject,
  data: Uint8Array<ArrayBuffer>,
): Uint8Array<ArrayBuffer> {
  const ctx = lib.symbols.EVP_MD_CTX_new();
  if (ctx === null) throw new Error("openssl: EVP_MD_CTX_new failed");
  try {
    const md = lib.symbols.EVP_sha256();
    // RSA keys sign with PKCS#1 v1.5 padding unless told otherwise.
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
 * An OpenSSL signer for the RSA key `pkcs8` (DER), checked against
 * `publicKey`; null when libcrypto is unavailable or the check fails.
 * The caller should wipe `pkcs8` afterwards.
 */
export async function nativeRSASigner(
  pkcs8: Uint8Array<ArrayBuffer>,
  publicKey: CryptoKey,
): Promise<NativeRSASigner | null> {
  const lib = openLibrary();
  if (!lib) return null;
  const pkey = importKey(lib, pkcs8);
  if (pkey === null) return null;
  let freed = false;
  const signer: NativeRSASigner = {
    sign(data) {
      if (freed) throw new Error("openssl: key already freed");
      return signWith(lib, pkey, data);
    },
    free() {
      if (!freed) lib.symbols.EVP_PKEY_free(pkey);
      freed = true;
    },
  };
  try {
    if (lib.symbols.EVP_PKEY_get_base_id(pkey) !== EVP_PKEY_RSA) {
      signer.free();
      return null;
    }
    const probe = crypto.getRandomValues(new Uint8Array(32));
    const verified = await crypto.subtle.verify(
      { name: "RSASSA-PKCS1-v1_5" },
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

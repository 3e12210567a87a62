/**
 * A private signing key ready to sign: RS256, ES256 and EdDSA through
 * OpenSSL where libcrypto loads (lib/security/openssl.ts), the fallback
 * through WebCrypto.
 * @module
 */
import { importJWK, type JWK } from "jose";
import type { JWSSigner } from "./jws.ts";
import {
  type NativeAlg,
  type NativeSigner,
  nativeSigner,
  nativeSigningAvailable,
} from "./openssl.ts";
import type { SigningAlg } from "../oauth/vocabulary.ts";

export interface SigningKey extends JWSSigner {
  kid: string;
  alg: SigningAlg;
  privateKey: CryptoKey;
  /** Who computes `sign`: OpenSSL (where it loads) or WebCrypto. */
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
 * A signing key from its private JWK: every alg signs through OpenSSL when
 * libcrypto loads (RS256 ~3.5x, ES256 ~15x, EdDSA ~1.3x faster, and
 * synchronously), the fallback through WebCrypto.
 */
export async function importSigningKey(
  kid: string,
  alg: SigningAlg,
  jwk: JWK,
): Promise<SigningKey> {
  const privateKey = await importJWK(jwk, alg) as CryptoKey;
  const params = WEBCRYPTO_PARAMS[alg];
  if (nativeSigningAvailable()) {
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

/** WebCrypto's import parameters for each alg's key. */
const NATIVE_IMPORT_PARAMS: Record<
  NativeAlg,
  RsaHashedImportParams | EcKeyImportParams | Algorithm
> = {
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  ES256: { name: "ECDSA", namedCurve: "P-256" },
  EdDSA: { name: "Ed25519" },
};

/** The key in OpenSSL, or null (see lib/security/openssl.ts). */
async function importNative(
  alg: NativeAlg,
  jwk: JWK,
): Promise<NativeSigner | null> {
  const params = NATIVE_IMPORT_PARAMS[alg];
  const publicJWK: JsonWebKey = alg === "RS256"
    ? { kty: "RSA", n: jwk.n, e: jwk.e }
    : alg === "ES256"
    ? { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y }
    : { kty: "OKP", crv: jwk.crv, x: jwk.x };
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

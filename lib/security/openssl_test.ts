import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, jwtVerify } from "jose";
import { ecdsaDERToJOSE, nativeSigner } from "./openssl.ts";
import { importSigningKey } from "../keys.ts";
import { signJWT } from "./jws.ts";

const LIBCRYPTO = "/usr/lib/x86_64-linux-gnu/libcrypto.so.3";

function hasLibcrypto(): boolean {
  try {
    return Deno.statSync(LIBCRYPTO).isFile;
  } catch {
    return false;
  }
}

async function pkcs8Of(key: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.exportKey("pkcs8", key));
}

Deno.test("openssl: RS256 and EdDSA signatures (both deterministic) are byte-identical to WebCrypto's", async () => {
  for (const alg of ["RS256", "EdDSA"] as const) {
    const { privateKey, publicKey } = await generateKeyPair(alg, {
      extractable: true,
    });
    const signer = await nativeSigner(
      alg,
      await pkcs8Of(privateKey),
      publicKey,
    );
    if (!hasLibcrypto()) {
      assert.deepEqual(signer, null);
      continue;
    }
    assert(signer, `libcrypto is installed, so ${alg} must sign natively`);
    const params = alg === "RS256"
      ? { name: "RSASSA-PKCS1-v1_5" }
      : { name: "Ed25519" };
    for (let i = 0; i < 50; i++) {
      const data = crypto.getRandomValues(new Uint8Array(20 + i * 13));
      const web = new Uint8Array(
        await crypto.subtle.sign(params, privateKey, data),
      );
      assert.deepEqual(signer.sign(data), web, `${alg}, input ${i}`);
    }
    signer.free();
  }
});

Deno.test("openssl: ES256 signatures are r || s and verify with WebCrypto", async () => {
  const { privateKey, publicKey } = await generateKeyPair("ES256", {
    extractable: true,
  });
  const signer = await nativeSigner(
    "ES256",
    await pkcs8Of(privateKey),
    publicKey,
  );
  if (!hasLibcrypto()) {
    assert.deepEqual(signer, null);
    return;
  }
  assert(signer);
  for (let i = 0; i < 200; i++) {
    const data = crypto.getRandomValues(new Uint8Array(40));
    const signature: Uint8Array<ArrayBuffer> = signer.sign(data);
    assert.deepEqual(signature.length, 64);
    assert(
      await crypto.subtle.verify(
        { name: "ECDSA", hash: "SHA-256" },
        publicKey,
        signature,
        data,
      ),
    );
  }
  signer.free();
});

Deno.test("openssl: a key that does not match its public key is refused", async () => {
  const one = await generateKeyPair("RS256", { extractable: true });
  const other = await generateKeyPair("RS256", { extractable: true });
  assert.deepEqual(
    await nativeSigner("RS256", await pkcs8Of(one.privateKey), other.publicKey),
    null,
  );
  // Nor is an EC key taken for RS256.
  const ec = await generateKeyPair("ES256", { extractable: true });
  assert.deepEqual(
    await nativeSigner("RS256", await pkcs8Of(ec.privateKey), one.publicKey),
    null,
  );
});

Deno.test("openssl: DER ECDSA signatures convert to fixed-width r || s", () => {
  const r = new Uint8Array(32).fill(0x81); // top bit set: DER adds 0x00
  const s = new Uint8Array([0x01, 0x02]); // short: left-padded
  const der = new Uint8Array([
    0x30,
    2 + 33 + 2 + 2,
    0x02,
    33,
    0x00,
    ...r,
    0x02,
    2,
    ...s,
  ]);
  const jose = ecdsaDERToJOSE(der);
  assert.deepEqual(jose.subarray(0, 32), r);
  assert.deepEqual(
    jose.subarray(32),
    new Uint8Array([...new Uint8Array(30), 1, 2]),
  );
  assert.throws(() => ecdsaDERToJOSE(new Uint8Array([0x31, 0])));
  assert.throws(() => ecdsaDERToJOSE(der.subarray(0, der.length - 1)));
  const tooLong = new Uint8Array([
    0x30,
    2 + 34 + 2 + 1,
    0x02,
    34,
    0x01,
    0x01,
    ...r,
    0x02,
    1,
    1,
  ]);
  assert.throws(() => ecdsaDERToJOSE(tooLong));
});

Deno.test("keys: server-signed RS256, ES256 and EdDSA JWTs verify with jose, natively where libcrypto loads", async () => {
  for (const alg of ["RS256", "ES256", "EdDSA"] as const) {
    const { privateKey, publicKey } = await generateKeyPair(alg, {
      extractable: true,
    });
    const key = await importSigningKey("k1", alg, await exportJWK(privateKey));
    assert.deepEqual(key.backend, hasLibcrypto() ? "openssl" : "webcrypto");
    const jwt = await signJWT(key, { typ: "JWT" }, { sub: "u1", n: "ü" });
    const { payload, protectedHeader } = await jwtVerify(jwt, publicKey);
    assert.deepEqual(protectedHeader, { alg, kid: "k1", typ: "JWT" });
    assert.deepEqual(payload, { sub: "u1", n: "ü" });
  }
});

Deno.test("keys: without FFI permission (as on Deno Deploy) RS256 signs through WebCrypto", async () => {
  const root = new URL("../../", import.meta.url);
  const dir = await Deno.makeTempDir({ prefix: "oauth-noffi-" });
  const script = `${dir}/sign.ts`;
  await Deno.writeTextFile(
    script,
    `
    import { exportJWK, generateKeyPair, jwtVerify } from "jose";
    import { importSigningKey } from "${new URL("lib/keys.ts", root)}";
    import { signJWT } from "${new URL("lib/security/jws.ts", root)}";
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    const key = await importSigningKey("k1", "RS256", await exportJWK(privateKey));
    await jwtVerify(await signJWT(key, {}, { sub: "u1" }), publicKey);
    console.log(key.backend);
  `,
  );
  try {
    // Read and env only: no --allow-ffi, so Deno.dlopen is refused.
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--no-prompt",
        "--no-check",
        "-R",
        "-E",
        `--config=${new URL("deno.json", root).pathname}`,
        script,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert(out.success, stderr);
    assert.equal(new TextDecoder().decode(out.stdout).trim(), "webcrypto");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/**
 * Password hashing with argon2id (OWASP: m=19 MiB, t=2, p=1) as a PHC
 * string. Native @node-rs/argon2 where it loads (~4x faster), hash-wasm
 * otherwise (Deno Deploy); both read and write the same format.
 * @module
 */

const MEMORY_KIB = 19456;
const ITERATIONS = 2;
const PARALLELISM = 1;

interface Argon2Impl {
  backend: "native" | "wasm";
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

let impl: Promise<Argon2Impl> | null = null;

async function loadNative(): Promise<Argon2Impl> {
  const native = await import("@node-rs/argon2");
  return {
    backend: "native",
    hash: (password) =>
      native.hash(password, {
        algorithm: 2, // Argon2id
        memoryCost: MEMORY_KIB,
        timeCost: ITERATIONS,
        parallelism: PARALLELISM,
      }),
    verify: (hash, password) => native.verify(hash, password),
  };
}

async function loadWasm(): Promise<Argon2Impl> {
  const wasm = await import("hash-wasm");
  return {
    backend: "wasm",
    hash: (password) =>
      wasm.argon2id({
        password,
        salt: crypto.getRandomValues(new Uint8Array(16)),
        iterations: ITERATIONS,
        parallelism: PARALLELISM,
        memorySize: MEMORY_KIB,
        hashLength: 32,
        outputType: "encoded",
      }),
    verify: (hash, password) => wasm.argon2Verify({ password, hash }),
  };
}

function argon2(): Promise<Argon2Impl> {
  impl ??= loadNative().catch(() => loadWasm());
  return impl;
}

/** Which argon2 loaded: the native addon, or the ~4.5x slower wasm. */
export async function passwordBackend(): Promise<"native" | "wasm"> {
  return (await argon2()).backend;
}

export async function hashPassword(password: string): Promise<string> {
  return await (await argon2()).hash(password);
}

/** False for a wrong password or a malformed hash; never throws. */
export async function verifyPassword(
  hash: string,
  password: string,
): Promise<boolean> {
  try {
    return await (await argon2()).verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the same time as a real verification, for unknown usernames, so
 * response time does not tell which usernames exist.
 */
export async function verifyDummyPassword(password: string): Promise<void> {
  dummyHash ??= hashPassword("dummy-password-for-timing");
  await verifyPassword(await dummyHash, password);
}

/**
 * Per-operation costs behind the bench's CPU per request, on this machine:
 * signing an ID-token-sized JWT with jose's WebCrypto path for RS256, ES256
 * and EdDSA, and with the server's own RS256/ES256 signer (OpenSSL where
 * it loads, lib/security/openssl.ts); argon2id verification (the server's parameters)
 * with @node-rs/argon2 and hash-wasm; a Deno KV atomic write and a get on a
 * local file; a SQLite insert with the server's pragmas. One operation at a
 * time on one thread, so ms/op is latency and CPU ms/op the cost (argon2's
 * native verify runs on a helper thread: its CPU is counted, all threads).
 *
 * ```sh
 * taskset -c 0 deno run -A bench/micro.ts [--seconds 2]
 * ```
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { importSigningKey } from "../lib/keys.ts";
import { signJWT } from "../lib/security/jws.ts";
import { cpuSeconds } from "./cpu.ts";

interface Cost {
  operation: string;
  ops: number;
  msPerOp: number;
  cpuMsPerOp: number | null;
}

async function measure(
  operation: string,
  seconds: number,
  op: () => Promise<unknown> | unknown,
): Promise<Cost> {
  for (let i = 0; i < 3; i++) await op(); // Warm-up (JIT, lazy loads).
  const cpu0 = await cpuSeconds(Deno.pid);
  const t0 = performance.now();
  let ops = 0;
  while (performance.now() - t0 < seconds * 1000) {
    await op();
    ops++;
  }
  const ms = performance.now() - t0;
  const cpu1 = await cpuSeconds(Deno.pid);
  return {
    operation,
    ops,
    msPerOp: ms / ops,
    cpuMsPerOp: cpu0 === null || cpu1 === null
      ? null
      : ((cpu1 - cpu0) * 1000) / ops,
  };
}

/** Claims of the size an ID token from the code flow carries. */
const CLAIMS = {
  iss: "http://127.0.0.1:8000",
  sub: "0f4c2b8e-5a1d-4e0b-9a53-2f9d8c7b6a51",
  aud: "c_8b1f0e6d2a4c4b7e9d3f5a1c",
  nonce: "n-0S6_WzA2Mj",
  auth_time: 1_764_000_000,
  sid: "s_3e7a9c1b5d",
  at_hash: "77QmUPtjPfzWtF2AnpK9RQ",
  name: "Alice Example",
  email: "alice@example.com",
  email_verified: true,
};

async function signer(alg: "RS256" | "ES256" | "EdDSA") {
  const { privateKey } = await generateKeyPair(
    alg,
    alg === "RS256"
      ? { modulusLength: 2048 }
      : alg === "EdDSA"
      ? { crv: "Ed25519" }
      : {},
  );
  return () =>
    new SignJWT(CLAIMS)
      .setProtectedHeader({ alg, kid: "k1", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime("1h")
      .sign(privateKey);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { seconds: { type: "string", default: "2" } },
  });
  const seconds = Number(values.seconds);
  const tmp = await Deno.makeTempDir({ prefix: "oauth-micro-" });
  const costs: Cost[] = [];
  try {
    for (const alg of ["RS256", "ES256", "EdDSA"] as const) {
      costs.push(
        await measure(`sign ID token ${alg}`, seconds, await signer(alg)),
      );
    }
    // What the server does: lib/keys.ts signs RS256 and ES256 through
    // OpenSSL when it loads.
    for (const alg of ["RS256", "ES256"] as const) {
      const pair = await generateKeyPair(alg, { extractable: true });
      const key = await importSigningKey(
        "k1",
        alg,
        await exportJWK(pair.privateKey),
      );
      costs.push(
        await measure(
          `sign ID token ${alg}, server's signer (${key.backend})`,
          seconds,
          () => signJWT(key, { typ: "JWT" }, CLAIMS),
        ),
      );
    }
    const native = await import("@node-rs/argon2");
    const wasm = await import("hash-wasm");
    const params = { memoryCost: 19456, timeCost: 2, parallelism: 1 };
    const hash = await native.hash("correct horse", {
      algorithm: 2,
      ...params,
    });
    costs.push(
      await measure(
        "argon2id verify (@node-rs/argon2)",
        seconds,
        () => native.verify(hash, "correct horse"),
      ),
      await measure(
        "argon2id verify (hash-wasm)",
        seconds,
        () => wasm.argon2Verify({ password: "correct horse", hash }),
      ),
    );
    const kv = await Deno.openKv(`${tmp}/kv.sqlite`);
    let n = 0;
    costs.push(
      await measure(
        "Deno KV atomic check+set (local file)",
        seconds,
        () =>
          kv.atomic().check({ key: ["f", n], versionstamp: null })
            .set(["f", n++], new Deno.KvU64(1n), { expireIn: 300_000 })
            .commit(),
      ),
      await measure(
        "Deno KV get (local file)",
        seconds,
        () => kv.get(["f", 1]),
      ),
    );
    kv.close();
    const db = new DatabaseSync(`${tmp}/t.db`);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT, at INTEGER)");
    const insert = db.prepare("INSERT INTO t VALUES (?, ?, ?)");
    let i = 0;
    costs.push(
      await measure(
        "SQLite insert (WAL, synchronous=NORMAL)",
        seconds,
        () => insert.run(`id-${i++}`, "x".repeat(200), Date.now()),
      ),
    );
    db.close();
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  const width = Math.max(...costs.map((c) => c.operation.length));
  console.log(
    `${"operation".padEnd(width)} |    ops | ms/op | CPU ms/op | ops/s`,
  );
  for (const c of costs) {
    console.log(
      `${c.operation.padEnd(width)} | ${String(c.ops).padStart(6)} | ${
        c.msPerOp.toFixed(3).padStart(5)
      } | ${(c.cpuMsPerOp?.toFixed(3) ?? "-").padStart(9)} | ${
        (1000 / c.msPerOp).toFixed(0)
      }`,
    );
  }
}

if (import.meta.main) await main();

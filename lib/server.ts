/**
 * Serving: one thread (`Deno.serve`) or several (lib/worker_pool.ts), each
 * a Worker with its own app and database connection listening on the same
 * port with SO_REUSEPORT, so the kernel spreads connections over the cores.
 * Everything shared lives in the database or Deno KV, and in-memory caches
 * follow one counter in shared memory (lib/db/invalidation.ts), so the
 * threads act as one server. The main thread prepares storage once
 * (migrations, default scopes, the first signing key) before any worker
 * starts, so they never race to create them.
 * @module
 */
import { announceSetupCode } from "./admin/setup.ts";
import { createApp } from "./app.tsx";
import type { Config } from "./config.ts";
import type { Generation } from "./db/invalidation.ts";
import type { WriteLock } from "./db/write_lock.ts";
import { type Deps, openDeps } from "./deps.ts";
import type { Logger } from "./log.ts";
import { passwordBackend } from "./security/password.ts";
import { type Checkpointer, startCheckpointer } from "./db/checkpointer.ts";
import type { Manifest } from "./http/router.tsx";
import { PortInUseError } from "./port_claim.ts";

export interface RunningServer {
  deps: Deps;
  addr: Deno.NetAddr;
  close(): Promise<void>;
}

/** Opens dependencies and serves the app on this thread. */
export async function serveHere(
  config: Config,
  manifest: Manifest,
  options: {
    reusePort?: boolean;
    log?: Logger;
    /** SQLite: a checkpointer thread runs (lib/db/checkpointer.ts). */
    checkpointsElsewhere?: boolean;
    /** The process's shared attempt counters (one buffer for all threads). */
    sharedCounters?: SharedArrayBuffer;
    /** The process's per-address request counts (one buffer for all threads). */
    floodCounters?: SharedArrayBuffer;
    /** The cache counter shared with the process's other threads. */
    generation?: Generation;
    /** SQLite: the write lock of the process's threads (lib/db/write_lock.ts). */
    writeLock?: WriteLock;
  } = {},
): Promise<RunningServer> {
  const deps = await openDeps(config, {
    log: options.log,
    checkpointsElsewhere: options.checkpointsElsewhere,
    sharedCounters: options.sharedCounters,
    floodCounters: options.floodCounters,
    generation: options.generation,
    writeLock: options.writeLock,
  });
  let server: Deno.HttpServer;
  try {
    const app = await createApp(deps, manifest);
    server = Deno.serve({
      hostname: config.host,
      port: config.port,
      reusePort: options.reusePort,
      onListen: () => {},
    }, app.fetch);
  } catch (err) {
    await deps.close();
    if (err instanceof Deno.errors.AddrInUse) {
      throw new PortInUseError(
        config.host,
        config.port,
        "another process listens on it",
      );
    }
    throw err;
  }
  return {
    deps,
    addr: server.addr as Deno.NetAddr,
    async close() {
      await server.shutdown();
      await deps.close();
    },
  };
}

/**
 * Runs migrations and creates what the first start needs, then closes.
 * Logs which crypto loaded: native argon2 and OpenSSL signing, or their
 * slower fallbacks (hash-wasm, WebCrypto), so an operator can tell.
 */
export async function prepareStorage(
  config: Config,
  log: Logger,
  options: { generation?: Generation } = {},
): Promise<void> {
  const deps = await openDeps(config, {
    log,
    generation: options.generation,
  });
  try {
    if (config.appSecret === null) {
      log.log("warn", "APP_SECRET is not set; using the generated secret", {
        file: config.appSecretFile,
      });
    }
    const rs256 = await deps.keys.signingKey("RS256");
    log.log("info", "crypto", {
      argon2: await passwordBackend(),
      rs256_es256_signer: rs256.backend,
    });
    // Once per start, before any thread serves (lib/admin/setup.ts).
    await announceSetupCode(deps, log);
  } finally {
    await deps.close();
  }
}

/**
 * Starts the checkpointer thread when the database is a SQLite file; null
 * otherwise (PostgreSQL, or an in-memory SQLite database).
 */
export async function startCheckpointerFor(
  config: Config,
  log: Logger,
  writeLock: SharedArrayBuffer,
): Promise<Checkpointer | null> {
  const target = config.database;
  if (target.engine !== "sqlite" || target.path === ":memory:") return null;
  try {
    return await startCheckpointer(target.path, log, writeLock);
  } catch (err) {
    // Optional: without it, commits checkpoint themselves as SQLite does.
    log.log("warn", "sqlite checkpointer not started", { err: String(err) });
    return null;
  }
}

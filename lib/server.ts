/**
 * Serving: one thread (`Deno.serve`) or several, each a Worker with its own
 * app and database connection listening on the same port with SO_REUSEPORT,
 * so the kernel spreads connections over the cores. Everything shared lives
 * in the database or Deno KV, so the threads act as one server. The main
 * thread prepares storage once (migrations, default scopes, the first
 * signing key) before any worker starts, so they never race to create them.
 * @module
 */
import { announceSetupCode } from "./admin/setup.ts";
import { createApp } from "./app.tsx";
import type { Config } from "./config.ts";
import { type Deps, openDeps } from "./deps.ts";
import type { Logger } from "./log.ts";
import { passwordBackend } from "./security/password.ts";
import { createSharedCounterMemory } from "./security/shared_counters.ts";
import { type Checkpointer, startCheckpointer } from "./db/checkpointer.ts";
import type { Manifest } from "./http/router.tsx";

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
  } = {},
): Promise<RunningServer> {
  const deps = await openDeps(config, {
    log: options.log,
    checkpointsElsewhere: options.checkpointsElsewhere,
    sharedCounters: options.sharedCounters,
  });
  const app = await createApp(deps, manifest);
  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    reusePort: options.reusePort,
    onListen: () => {},
  }, app.fetch);
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
): Promise<void> {
  const deps = await openDeps(config, { log });
  try {
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

interface WorkerMessage {
  type: "listening" | "stopped" | "failed";
  error?: string;
}

/**
 * Starts the checkpointer thread when the database is a SQLite file; null
 * otherwise (PostgreSQL, or an in-memory SQLite database).
 */
export async function startCheckpointerFor(
  config: Config,
  log: Logger,
): Promise<Checkpointer | null> {
  const target = config.database;
  if (target.engine !== "sqlite" || target.path === ":memory:") return null;
  try {
    return await startCheckpointer(target.path, log);
  } catch (err) {
    // Optional: without it, commits checkpoint themselves as SQLite does.
    log.log("warn", "sqlite checkpointer not started", { err: String(err) });
    return null;
  }
}

/** Starts `count` workers running worker.ts; resolves once all listen. */
export async function serveWithWorkers(
  count: number,
  log: Logger,
  options: { checkpointsElsewhere?: boolean } = {},
): Promise<{ close(): Promise<void> }> {
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  // One table of failure-budget attempts for every thread of the process.
  const sharedCounters = createSharedCounterMemory();
  for (let i = 0; i < count; i++) {
    const worker = new Worker(new URL("../worker.ts", import.meta.url), {
      type: "module",
      name: `server-${i}`,
    });
    workers.push(worker);
    ready.push(
      new Promise((resolve, reject) => {
        worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
          if (e.data.type === "listening") resolve();
          if (e.data.type === "failed") reject(new Error(e.data.error));
        };
        worker.onerror = (e) => {
          e.preventDefault();
          reject(new Error(`worker ${i}: ${e.message}`));
        };
      }),
    );
    worker.postMessage({
      type: "start",
      checkpointsElsewhere: options.checkpointsElsewhere === true,
      sharedCounters,
    });
  }
  try {
    await Promise.all(ready);
  } catch (err) {
    for (const w of workers) w.terminate();
    throw err;
  }
  return {
    async close() {
      await Promise.all(workers.map((w) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            w.terminate();
            resolve();
          }, 5000);
          w.onmessage = (e: MessageEvent<WorkerMessage>) => {
            if (e.data.type === "stopped") {
              clearTimeout(timer);
              w.terminate();
              resolve();
            }
          };
          w.postMessage({ type: "stop" });
        })
      ));
      log.log("info", "stopped", { workers: count });
    },
  };
}

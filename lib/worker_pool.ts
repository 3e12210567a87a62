/**
 * The server threads of `deno task start` when WORKERS > 1, both sides of
 * their conversation: the main thread starts `count` workers (worker.ts),
 * each with its own app and database connection on the shared port
 * (SO_REUSEPORT, claimed first: lib/port_claim.ts), hands them the
 * process's cache counter (lib/db/invalidation.ts), its failure-budget
 * counters (lib/security/shared_counters.ts), its SQLite write lock
 * (lib/db/write_lock.ts) and its environment, and watches them: a thread
 * that dies after start is logged, its write lock freed, and replaced,
 * and if replacements keep dying (or cannot start) the process is stopped
 * with a non-zero exit so a supervisor restarts it. A dead thread's socket
 * is closed with it, so the kernel stops sending it connections.
 * @module
 */
import { loadConfig } from "./config.ts";
import { Generation } from "./db/invalidation.ts";
import {
  createWriteLockMemory,
  releaseHeldBy,
  WriteLock,
} from "./db/write_lock.ts";
import type { Manifest } from "./http/router.tsx";
import type { Logger } from "./log.ts";
import {
  answerMetricsRequests,
  stopAnsweringMetricsRequests,
} from "./metrics/collect.ts";
import { createFloodMemory } from "./security/request_flood.ts";
import { createSharedCounterMemory } from "./security/shared_counters.ts";
import { type RunningServer, serveHere } from "./server.ts";

/** main -> thread */
interface StartMessage {
  type: "start";
  checkpointsElsewhere: boolean;
  /** The process's cache counter (lib/db/invalidation.ts). */
  generation: SharedArrayBuffer;
  /** The process's failure-budget attempts (lib/security/shared_counters.ts). */
  sharedCounters: SharedArrayBuffer;
  /** The process's per-address request counts (lib/security/request_flood.ts). */
  floodCounters: SharedArrayBuffer;
  /** The process's SQLite write lock (lib/db/write_lock.ts). */
  writeLock: SharedArrayBuffer;
  /** This thread's id as the lock's holder: unique, from 1. */
  writerId: number;
  /** The environment the configuration is read from. */
  env: Record<string, string>;
}

/** thread -> main */
interface ThreadMessage {
  type: "listening" | "stopped" | "failed";
  error?: string;
  /** The failure's class name (PortInUseError: main.ts's one line). */
  errorName?: string;
}

/** More deaths than this within `DEATH_WINDOW_MS`: stop the process. */
const MAX_DEATHS = 5;
const DEATH_WINDOW_MS = 60_000;
/** How long a thread may take to stop before it is terminated. */
const STOP_TIMEOUT_MS = 5000;

export interface WorkerPoolOptions {
  checkpointsElsewhere?: boolean;
  /** Shared with the threads; default: a new one. */
  generation?: Generation;
  /**
   * The process's write lock (write_lock.ts), shared with the threads and
   * the checkpointer; default: a new one.
   */
  writeLock?: SharedArrayBuffer;
  /** The environment the threads read their configuration from. */
  env: Record<string, string>;
  /** The thread module; default worker.ts (tests pass their own). */
  workerURL?: URL;
  /**
   * The pool cannot keep its threads running; default: exit 1 (main.ts
   * passes one that closes the rest first).
   */
  onFatal?: (reason: string) => void;
}

export interface WorkerPool {
  /** Names of the threads serving now (`server-0`, …; replacements count on). */
  threads(): string[];
  close(): Promise<void>;
}

interface Thread {
  name: string;
  worker: Worker;
  writerId: number;
}

/** Starts `count` server threads; resolves once all listen. */
export async function serveWithWorkers(
  count: number,
  log: Logger,
  options: WorkerPoolOptions,
): Promise<WorkerPool> {
  const generation = options.generation ?? new Generation();
  const start: Omit<StartMessage, "writerId"> = {
    type: "start",
    checkpointsElsewhere: options.checkpointsElsewhere === true,
    generation: generation.buffer,
    // One table of failure-budget attempts for every thread of the process.
    sharedCounters: createSharedCounterMemory(),
    // One request count per address for the whole process.
    floodCounters: createFloodMemory(),
    writeLock: options.writeLock ?? createWriteLockMemory(),
    env: options.env,
  };
  const url = options.workerURL ?? new URL("../worker.ts", import.meta.url);
  const onFatal = options.onFatal ?? (() => Deno.exit(1));
  const threads = new Set<Thread>();
  const deaths: number[] = [];
  let started = 0;
  let closing = false;

  function died(thread: Thread, message: string): void {
    threads.delete(thread);
    thread.worker.terminate();
    releaseHeldBy(start.writeLock, thread.writerId);
    if (closing) return;
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0] < now - DEATH_WINDOW_MS) deaths.shift();
    if (deaths.length > MAX_DEATHS) {
      log.log("error", "server threads keep dying; stopping", {
        thread: thread.name,
        err: message,
        deaths: deaths.length,
      });
      onFatal(`server threads keep dying: ${message}`);
      return;
    }
    log.log("error", "server thread died; starting a replacement", {
      thread: thread.name,
      err: message,
    });
    spawn().then((replacement) => {
      log.log("info", "server thread replaced", {
        thread: thread.name,
        replacement: replacement.name,
      });
    }, (err: Error) => {
      if (closing) return;
      log.log("error", "server thread could not be replaced; stopping", {
        thread: thread.name,
        err: err.message,
      });
      onFatal(`server thread could not be replaced: ${err.message}`);
    });
  }

  function spawn(): Promise<Thread> {
    const writerId = ++started;
    const name = `server-${writerId - 1}`;
    const worker = new Worker(url, { type: "module", name });
    const thread: Thread = { name, worker, writerId };
    return new Promise<Thread>((resolve, reject) => {
      let listening = false;
      worker.onmessage = (e: MessageEvent<ThreadMessage>) => {
        if (e.data.type === "listening") {
          listening = true;
          threads.add(thread);
          resolve(thread);
        } else if (e.data.type === "failed") {
          worker.terminate();
          releaseHeldBy(start.writeLock, writerId);
          // A port in use is the operator's one line as it is.
          const err = new Error(
            e.data.errorName === "PortInUseError"
              ? e.data.error
              : `${name}: ${e.data.error}`,
          );
          err.name = e.data.errorName ?? "Error";
          reject(err);
        }
      };
      // Kept for the thread's whole life: an uncaught error ends the
      // worker, and is reported here instead of on the main thread.
      worker.onerror = (e) => {
        e.preventDefault();
        if (listening) died(thread, e.message);
        else {
          worker.terminate();
          releaseHeldBy(start.writeLock, writerId);
          reject(new Error(`${name}: ${e.message}`));
        }
      };
      worker.postMessage({ ...start, writerId } satisfies StartMessage);
    });
  }

  const first = await Promise.allSettled(
    Array.from({ length: count }, () => spawn()),
  );
  const failed = first.find((r) => r.status === "rejected");
  if (failed) {
    closing = true;
    for (const t of threads) t.worker.terminate();
    throw (failed as PromiseRejectedResult).reason;
  }

  return {
    threads: () => [...threads].map((t) => t.name),
    async close() {
      closing = true;
      await Promise.all([...threads].map(stopThread));
      log.log("info", "stopped", { workers: count });
    },
  };
}

function stopThread({ worker }: Thread): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      worker.terminate();
      resolve();
    }, STOP_TIMEOUT_MS);
    worker.onmessage = (e: MessageEvent<ThreadMessage>) => {
      if (e.data.type === "stopped") {
        clearTimeout(timer);
        worker.terminate();
        resolve();
      }
    };
    worker.postMessage({ type: "stop" });
  });
}

/** The worker global, as much of it as a server thread uses. */
interface ThreadScope {
  onmessage:
    | ((e: MessageEvent<StartMessage | { type: "stop" }>) => void)
    | null;
  postMessage(message: ThreadMessage): void;
}

/**
 * The thread side (worker.ts): on "start", serves `manifest` on the shared
 * port with the main thread's configuration and cache counter; on "stop",
 * finishes in-flight requests and closes.
 */
export function serveThread(manifest: Manifest): void {
  const scope = globalThis as unknown as ThreadScope;
  let running: RunningServer | null = null;
  scope.onmessage = async (e) => {
    try {
      if (e.data.type === "start") {
        const config = loadConfig(e.data.env);
        running = await serveHere(config, manifest, {
          reusePort: true,
          checkpointsElsewhere: e.data.checkpointsElsewhere,
          generation: new Generation(e.data.generation),
          sharedCounters: e.data.sharedCounters,
          floodCounters: e.data.floodCounters,
          writeLock: new WriteLock(e.data.writeLock, e.data.writerId),
        });
        answerMetricsRequests();
        scope.postMessage({ type: "listening" });
      } else if (e.data.type === "stop") {
        stopAnsweringMetricsRequests();
        await running?.close();
        scope.postMessage({ type: "stopped" });
      }
    } catch (err) {
      scope.postMessage({
        type: "failed",
        error: err instanceof Error ? err.message : String(err),
        errorName: err instanceof Error ? err.name : undefined,
      });
    }
  };
}

/**
 * Checkpoints off the request path. In WAL mode every commit appends the
 * pages it changed to the WAL; by default the commit that takes the WAL past
 * 1000 pages then copies them all back into the database file and syncs it,
 * inside whichever request made that commit. Measured on the token insert
 * (4 indexes) that is more than half of a write: 0.19 ms an insert with the
 * default, 0.08 ms without (`.scratch`-style loop over node:sqlite).
 *
 * So a server on a SQLite file runs one checkpointer thread with its own
 * connection that checkpoints every `CHECKPOINT_EVERY_MS`, and its serving
 * connections only fall back to checkpointing themselves at
 * `FALLBACK_AUTOCHECKPOINT_PAGES` (should the thread ever stop, the WAL
 * still stays bounded). A checkpoint of many commits also writes each page
 * once, however many of them changed it. Under steady writes the thread
 * finishes a pass holding the process's write lock for a few milliseconds,
 * so that the WAL starts over instead of growing to the fallback
 * (checkpoint_worker.ts).
 * @module
 */
import type { Logger } from "../log.ts";
import { releaseHeldBy } from "./write_lock.ts";

export const CHECKPOINT_EVERY_MS = 250;
/**
 * From this WAL size (~4 MiB) a tick ends with a pass that holds the
 * process's writers back (checkpoint_worker.ts), so the WAL starts over
 * instead of growing to the fallback.
 */
export const COMPLETE_AT_PAGES = 1000;
/** The checkpointer's id in the process's write lock (threads count from 1). */
export const CHECKPOINTER_HOLDER_ID = -1;
/** ~40 MiB of WAL at 4 KiB pages: reached only without the thread. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 10_000;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts the checkpointer thread for the SQLite file at `path`. */
export async function startCheckpointer(
  path: string,
  log: Logger,
  writeLock: SharedArrayBuffer,
  /** Tests tick faster and start the WAL over sooner. */
  options: { intervalMs?: number; completeAtPages?: number } = {},
): Promise<Checkpointer> {
  const worker = new Worker(
    new URL("./checkpoint_worker.ts", import.meta.url),
    { type: "module", name: "sqlite-checkpointer" },
  );
  let reportedError = false;
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ type: string; error?: string }>) => {
      if (e.data.type === "started") resolve();
      if (e.data.type === "error" && !reportedError) {
        // Once: a persistent failure would otherwise log 4 lines a second.
        reportedError = true;
        log.log("warn", "sqlite checkpoint failed", { err: e.data.error });
      }
    };
    worker.onerror = (e) => {
      e.preventDefault();
      releaseHeldBy(writeLock, CHECKPOINTER_HOLDER_ID);
      // Before start: the caller serves without the thread. After: commits
      // checkpoint themselves again at the fallback size; say so.
      log.log("warn", "sqlite checkpointer stopped", { err: e.message });
      reject(new Error(`checkpointer: ${e.message}`));
    };
    worker.postMessage({
      type: "start",
      path,
      intervalMs: options.intervalMs ?? CHECKPOINT_EVERY_MS,
      writeLock,
      holderId: CHECKPOINTER_HOLDER_ID,
      completeAtPages: options.completeAtPages ?? COMPLETE_AT_PAGES,
    });
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        const timeout = setTimeout(done, 2000);
        function done() {
          clearTimeout(timeout);
          worker.terminate();
          releaseHeldBy(writeLock, CHECKPOINTER_HOLDER_ID);
          resolve();
        }
        worker.onmessage = (e: MessageEvent<{ type: string }>) => {
          if (e.data.type === "stopped") done();
        };
        worker.postMessage({ type: "stop" });
      }),
  };
}

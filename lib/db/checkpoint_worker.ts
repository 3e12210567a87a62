/**
 * The SQLite checkpointer thread (see checkpointer.ts): its own connection
 * to the file, copying committed WAL pages back into the database on a
 * timer so the serving threads never do it inside a request.
 */
/// <reference lib="deno.worker" />
import { openSQLite } from "./sqlite_dialect.ts";
import { WriteLock } from "./write_lock.ts";

interface Start {
  type: "start";
  path: string;
  intervalMs: number;
  /** The process's write lock (write_lock.ts) and this thread's id in it. */
  writeLock: SharedArrayBuffer;
  holderId: number;
  /** WAL size from which a tick makes sure the WAL starts over. */
  completeAtPages: number;
}

/** What `PRAGMA wal_checkpoint` returns: frames in the WAL, frames copied. */
interface Pass {
  log: number;
  checkpointed: number;
}

/** Unlocked passes before the locked one, at most. */
const MAX_UNLOCKED_PASSES = 4;
/** How long a tick waits for the writers' lock before leaving it to the next. */
const LOCK_WAIT_MS = 1000;
/** A pass that copied at most this many frames leaves little for the lock. */
const FEW_FRAMES = 64;

let timer: ReturnType<typeof setInterval> | undefined;
let db: ReturnType<typeof openSQLite> | undefined;
let file: Deno.FsFile | undefined;
/** The tick under way, if any: stopping waits for it. */
let tick: Promise<void> | null = null;

self.onmessage = (e: MessageEvent<Start | { type: "stop" }>) => {
  if (e.data.type === "start") {
    const { path, intervalMs, completeAtPages } = e.data;
    db = openSQLite(path);
    const database = file = Deno.openSync(path, { read: true });
    const lock = new WriteLock(e.data.writeLock, e.data.holderId, LOCK_WAIT_MS);
    // PASSIVE never waits on readers or writers: it copies what it can now
    // and the next tick takes the rest.
    const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
    const pass = () => checkpoint.get() as unknown as Pass;
    timer = setInterval(() => {
      if (tick) return;
      const running = (async () => {
        try {
          const first = pass();
          if (first.log >= completeAtPages) {
            await startWALOver(first, pass, database, lock);
          }
        } catch (err) {
          self.postMessage({ type: "error", error: String(err) });
        }
      })();
      // Cleared in a later microtask, after this assignment, even when the
      // tick had nothing to wait for and ran to its end synchronously.
      tick = running.finally(() => tick = null);
    }, intervalMs);
    self.postMessage({ type: "started" });
  } else {
    clearInterval(timer);
    void (async () => {
      await tick;
      db?.close();
      file?.close();
      self.postMessage({ type: "stopped" });
    })();
  }
};

/**
 * Under steady writes no pass finds the WAL complete: commits land while it
 * copies and syncs, so the WAL is never started over and grows to the
 * serving connections' fallback, where one commit copies and syncs ~40 MiB
 * in its event loop (docs/performance.md). SQLite starts the WAL over at
 * the first commit after a pass that copied every frame and synced the
 * database file.
 *
 * So: sync the database file here (a pass that does not finish leaves what
 * it copied unsynced, and the sync costs by the page), pass again for what
 * was committed meanwhile, each pass shorter than the last; then, with this
 * process's writers held back, a last pass copies the few frames left and
 * syncs few pages. The writers are held 1-5 ms a tick instead of the
 * fallback's 10-30 ms in one commit.
 */
async function startWALOver(
  first: Pass,
  pass: () => Pass,
  database: Deno.FsFile,
  lock: WriteLock,
): Promise<void> {
  let last = first;
  for (let i = 1; i < MAX_UNLOCKED_PASSES; i++) {
    database.syncSync();
    const next = pass();
    const copied = next.log - last.checkpointed;
    last = next;
    if (copied <= FEW_FRAMES) break;
  }
  // false: the wait ran out (a writer holds on); the next tick tries again.
  if (!(await lock.acquireFirst())) return;
  try {
    pass();
  } finally {
    lock.release();
  }
}

/**
 * The server threads' turn at the SQLite file's write lock, awaited before
 * SQLite's own. SQLite has one writer at a time; a connection that finds
 * the lock taken runs its busy handler, which sleeps the calling thread (1,
 * 2, 5, 10 ms ...) and retries, so with two threads on one file each write
 * that met the other's commit froze its event loop: measured with
 * client_credentials at WORKERS=2, ~50 such sleeps a second
 * (docs/performance.md, with what taking turns changed). Threads of one
 * process instead take this lock first, waiting on it with
 * `Atomics.waitAsync`: the event loop keeps serving, and the write starts
 * as soon as the holder lets go.
 *
 * The SQLite checkpointer thread takes it too, briefly, to finish a
 * checkpoint so that the WAL starts over (checkpoint_worker.ts); it claims
 * the lock first (`acquireFirst`) so that a thread writing without pause
 * cannot starve it.
 *
 * It only orders the process's own threads; SQLite's lock still protects
 * the file, and busy_timeout still covers other processes. A thread that
 * waited `WRITE_LOCK_WAIT_MS` (SQLite's busy_timeout) goes on to SQLite
 * without it, where the holder's lock gives it busy_timeout more before
 * "database is locked". A thread that dies holding it is released by the
 * pool (`releaseHeldBy`).
 * @module
 */

/** As long as SQLite's busy_timeout (lib/db/sqlite_dialect.ts). */
export const WRITE_LOCK_WAIT_MS = 5000;

/** No thread holds the lock (word HOLDER) or has claimed it (word CLAIM). */
const FREE = 0;
const HOLDER = 0;
/**
 * A thread that must not be starved (the checkpointer, whose turn lets the
 * WAL start over) claims the lock first: while it is claimed, others do not
 * take it, and the claimant gets it as soon as the holder lets go.
 */
const CLAIM = 1;

/** The memory of one process's lock: the holder's id and the claimant's. */
export function createWriteLockMemory(): SharedArrayBuffer {
  return new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
}

/** Frees the lock if the thread `holderId` (one that died) holds it. */
export function releaseHeldBy(
  memory: SharedArrayBuffer,
  holderId: number,
): void {
  const word = new Int32Array(memory);
  if (Atomics.compareExchange(word, HOLDER, holderId, FREE) === holderId) {
    Atomics.notify(word, HOLDER);
  }
  if (Atomics.compareExchange(word, CLAIM, holderId, FREE) === holderId) {
    Atomics.notify(word, CLAIM);
  }
}

/** One thread's side of the lock: one per connection, not reentrant. */
export class WriteLock {
  readonly #word: Int32Array;
  readonly #id: number;
  readonly #waitMs: number;
  /** This thread holds the claim (`acquireFirst`): release lets go of it. */
  #claiming = false;
  /** Writes that found the lock taken and waited (for tests). */
  waits = 0;

  /**
   * `holderId`: this thread's, unique among the threads sharing `memory`
   * and not 0. Default: a lock of its own (one thread). `waitMs`: how
   * long `acquire` waits before going on without it.
   */
  constructor(
    memory = createWriteLockMemory(),
    holderId = 1,
    waitMs = WRITE_LOCK_WAIT_MS,
  ) {
    if (!Number.isInteger(holderId) || holderId === FREE) {
      throw new RangeError("a write lock holder id is a non-zero integer");
    }
    this.#word = new Int32Array(memory);
    this.#id = holderId;
    this.#waitMs = waitMs;
  }

  /**
   * Takes the lock if no one holds it, this thread included, and no other
   * thread has claimed it.
   */
  tryAcquire(): boolean {
    const claimant = Atomics.load(this.#word, CLAIM);
    if (claimant !== FREE && claimant !== this.#id) return false;
    return Atomics.compareExchange(this.#word, HOLDER, FREE, this.#id) ===
      FREE;
  }

  /**
   * `acquire`, ahead of the threads that did not claim it: for a thread
   * that writes rarely and briefly but must get its turn under a steady
   * stream of writes. One claimant at a time; false if another claims it.
   */
  async acquireFirst(): Promise<boolean> {
    if (
      Atomics.compareExchange(this.#word, CLAIM, FREE, this.#id) !== FREE
    ) {
      return false;
    }
    this.#claiming = true;
    const held = await this.acquire();
    if (!held) this.#unclaim();
    return held;
  }

  #unclaim(): void {
    this.#claiming = false;
    if (
      Atomics.compareExchange(this.#word, CLAIM, this.#id, FREE) === this.#id
    ) {
      Atomics.notify(this.#word, CLAIM);
    }
  }

  /**
   * Takes the lock, waiting without blocking the event loop. Resolves
   * true once held, false after its wait without it (go on to
   * SQLite's own lock, and do not release).
   */
  async acquire(): Promise<boolean> {
    if (this.tryAcquire()) return true;
    this.waits++;
    const deadline = performance.now() + this.#waitMs;
    for (;;) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      const claimant = Atomics.load(this.#word, CLAIM);
      if (claimant !== FREE && claimant !== this.#id) {
        // Woken when the claimant lets go (or dies: releaseHeldBy).
        const waited = Atomics.waitAsync(this.#word, CLAIM, claimant, left);
        if (waited.async) await orTimer(waited.value, left);
        if (this.tryAcquire()) return true;
        continue;
      }
      const holder = Atomics.load(this.#word, HOLDER);
      if (holder === FREE) {
        if (this.tryAcquire()) return true;
        continue;
      }
      const waited = Atomics.waitAsync(this.#word, HOLDER, holder, left);
      if (waited.async) await orTimer(waited.value, left);
      if (this.tryAcquire()) return true;
    }
  }

  /**
   * Lets go of the lock (and the claim), if this thread holds it, and
   * wakes the waiters.
   */
  release(): void {
    if (
      Atomics.compareExchange(this.#word, HOLDER, this.#id, FREE) === this.#id
    ) {
      Atomics.notify(this.#word, HOLDER);
    }
    // Only a claimant touches the claim: the serving threads' releases
    // (every commit) skip it.
    if (this.#claiming) this.#unclaim();
  }
}

/**
 * `wake`, or `ms` at the latest. Deno's event loop neither stays alive for
 * a pending `Atomics.waitAsync` nor runs its timeout on time (measured:
 * 115 ms for 50); a timer of its own does both.
 */
async function orTimer(wake: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      wake,
      new Promise((resolve) => timer = setTimeout(resolve, ms)),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

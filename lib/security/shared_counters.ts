/**
 * What every server thread of one process must see at once about attempts
 * against a failure budget: how many are being evaluated right now, how
 * many failed but are not yet written to Deno KV, and a version that moves
 * whenever a failure has been written. One SharedArrayBuffer, created by
 * the main thread and handed to each server thread (lib/server.ts), read
 * and written only with `Atomics`, so a count is never lost between threads.
 *
 * Keys are hashed into cells; two keys sharing a cell only ever count each
 * other's in-flight and not-yet-written attempts (milliseconds), which errs
 * towards "limited", never towards "allowed". The failure counts themselves
 * are exact, in Deno KV (lib/security/rate_limit.ts).
 * @module
 */
import { createHash } from "node:crypto";

/** Cells in the table; a power of two. 3 × 4 bytes each: 768 KiB. */
const CELLS = 1 << 16;
const FIELDS = 3;
const IN_FLIGHT = 0;
const PENDING = 1;
const VERSION = 2;
/** The hash seed sits after the cells: 16 bytes, the same for every thread. */
export const SEED_BYTES = 16;

/** A cell of the table, as an index. */
export type Cell = number;

/**
 * Makes the memory for one process: the main thread calls this once and
 * passes the buffer to every server thread.
 */
export function createSharedCounterMemory(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(CELLS * FIELDS * 4 + SEED_BYTES);
  crypto.getRandomValues(new Uint8Array(buffer, CELLS * FIELDS * 4));
  return buffer;
}

/**
 * Where a key falls among `cells` (a power of two), keyed by a secret seed
 * (`SEED_BYTES` random bytes in the shared buffer, the same for every
 * thread) so nobody can choose keys that share a place with someone else's.
 */
export function keyedIndex(
  seed: Uint8Array,
  cells: number,
): (key: string) => number {
  // A copy: the seed never changes after creation.
  const secret = [...seed].map((b) => b.toString(16).padStart(2, "0")).join("");
  return (key) =>
    createHash("sha256").update(secret).update(key).digest().readUInt32BE(0) &
    (cells - 1);
}

/** The per-process table over a buffer from `createSharedCounterMemory`. */
export class SharedCounters {
  readonly #cells: Int32Array;
  readonly #cellOf: (key: string) => Cell;

  constructor(buffer: SharedArrayBuffer = createSharedCounterMemory()) {
    this.#cells = new Int32Array(buffer, 0, CELLS * FIELDS);
    const index = keyedIndex(
      new Uint8Array(buffer, CELLS * FIELDS * 4, SEED_BYTES),
      CELLS,
    );
    this.#cellOf = (key) => index(key) * FIELDS;
  }

  /**
   * The cell of a key. Keyed by a secret per-process seed, so nobody can
   * choose names that share a cell with someone else's. A keyed hash each
   * call (~4 us): the failure budgets remember a counter's cell for its
   * window.
   */
  cellOf(key: string): Cell {
    return this.#cellOf(key);
  }

  version(cell: Cell): number {
    return Atomics.load(this.#cells, cell + VERSION);
  }

  /** Attempts being evaluated now (not yet known to have failed or succeeded). */
  inFlight(cell: Cell): number {
    return Atomics.load(this.#cells, cell + IN_FLIGHT);
  }

  /** Failures not yet in KV. */
  pending(cell: Cell): number {
    return Atomics.load(this.#cells, cell + PENDING);
  }

  /** Marks one attempt in flight; returns the in-flight count including it. */
  enter(cell: Cell): number {
    return Atomics.add(this.#cells, cell + IN_FLIGHT, 1) + 1;
  }

  /** The attempt ended without a failure. */
  leave(cell: Cell): void {
    Atomics.sub(this.#cells, cell + IN_FLIGHT, 1);
  }

  /**
   * The attempt failed: it counts as pending before it stops counting as
   * in flight, so a thread looking in between sees it at least once.
   */
  fail(cell: Cell): void {
    Atomics.add(this.#cells, cell + PENDING, 1);
    Atomics.sub(this.#cells, cell + IN_FLIGHT, 1);
  }

  /**
   * A pending failure (or a reset) is now in KV: the version moves first,
   * so a thread that no longer sees it pending re-reads KV.
   */
  written(cell: Cell, options: { pending: boolean }): void {
    Atomics.add(this.#cells, cell + VERSION, 1);
    if (options.pending) Atomics.sub(this.#cells, cell + PENDING, 1);
  }
}

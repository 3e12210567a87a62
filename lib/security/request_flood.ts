/**
 * The per-process cap on requests from one client address
 * (REQUESTS_PER_SECOND_PER_IP): failure budgets (lib/security/rate_limit.ts)
 * stop guessing, this stops one address from taking the whole server with
 * requests that are each harmless. Counted before anything else runs, in
 * memory shared by every server thread of the process (a SharedArrayBuffer
 * from the main thread, read and written only with `Atomics`), so threads
 * never let through more than the limit between them. Deliberately not in
 * Deno KV: a flood must not cost a KV write per request (DESIGN).
 *
 * Each address hashes (with a secret per-process seed) into one of 65,536
 * cells; a cell holds the current one-second window and its count, packed
 * into one Int32 so a compare-and-swap moves both at once. Two addresses
 * sharing a cell share a budget: that errs towards "limited", and with the
 * seed nobody can choose an address that lands on someone else's cell.
 * IPv6 clients are counted per /64 (one subscriber's allocation), IPv4 per
 * address. Loopback peers (the host itself, or a local proxy that
 * TRUSTED_PROXIES does not name) and requests without a peer address
 * (in-process calls) are not counted: a local proxy counted as one client
 * would cap the whole site.
 * @module
 */
import ipaddr from "ipaddr.js";
import { memoize } from "../memo.ts";
import { keyedIndex, SEED_BYTES } from "./shared_counters.ts";

const CELLS = 1 << 16;
/** The count takes the low 20 bits, the window the 11 above (no sign bit). */
const COUNT_BITS = 20;
const COUNT_MASK = (1 << COUNT_BITS) - 1;
const WINDOW_MASK = 0x7ff;
/** The largest limit a cell can count to. */
export const MAX_REQUESTS_PER_SECOND = COUNT_MASK;
/** Addresses whose cell a thread remembers (a hash costs ~4 us). */
const REMEMBERED_ADDRESSES = 10_000;
/** Not counted. */
const EXEMPT = -1;

/** The memory for one process: the main thread makes it once. */
export function createFloodMemory(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(CELLS * 4 + SEED_BYTES);
  crypto.getRandomValues(new Uint8Array(buffer, CELLS * 4));
  return buffer;
}

/** What an address is counted as, or null when it is not counted. */
export function floodKey(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address);
  } catch {
    // Not an address (a Unix socket path): counted as itself.
    return address;
  }
  if (parsed.range() === "loopback") return null;
  if (parsed.kind() === "ipv4") return parsed.toString();
  return (parsed as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16))
    .join(":") + "::/64";
}

/** The cap over a buffer from `createFloodMemory`; `limit` 0 is off. */
export class FloodCap {
  readonly #cells: Int32Array;
  readonly #cellOf: (address: string) => number;
  readonly #limit: number;
  readonly #now: () => number;

  constructor(
    limit: number,
    buffer: SharedArrayBuffer = createFloodMemory(),
    /** Milliseconds since the epoch; injected by tests. */
    now: () => number = Date.now,
  ) {
    if (!(limit >= 0 && limit <= MAX_REQUESTS_PER_SECOND)) {
      throw new RangeError(`limit must be 0-${MAX_REQUESTS_PER_SECOND}`);
    }
    this.#limit = limit;
    this.#now = now;
    this.#cells = new Int32Array(buffer, 0, CELLS);
    const index = keyedIndex(
      new Uint8Array(buffer, CELLS * 4, SEED_BYTES),
      CELLS,
    );
    this.#cellOf = memoize((address) => {
      const key = floodKey(address);
      return key === null ? EXEMPT : index(key);
    }, REMEMBERED_ADDRESSES);
  }

  get enabled(): boolean {
    return this.#limit > 0;
  }

  /**
   * Counts one request from `address`: true when it may go on, false when
   * the address is over its limit for this second. A window index
   * comes round again after 2,048 s: a cell untouched for exactly that long
   * is read as current, which can only limit early, never late.
   */
  admit(address: string | null): boolean {
    if (this.#limit === 0 || address === null) return true;
    const cell = this.#cellOf(address);
    if (cell === EXEMPT) return true;
    const window = Math.floor(this.#now() / 1000) & WINDOW_MASK;
    for (;;) {
      const held = Atomics.load(this.#cells, cell);
      const count = held >>> COUNT_BITS === window ? held & COUNT_MASK : 0;
      if (count >= this.#limit) return false;
      const next = (window << COUNT_BITS) | (count + 1);
      if (Atomics.compareExchange(this.#cells, cell, held, next) === held) {
        return true;
      }
    }
  }
}

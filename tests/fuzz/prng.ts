/**
 * A small seeded PRNG (mulberry32) and the choices the fuzzer makes with it,
 * so a failing run is reproduced exactly by its seed.
 * @module
 */

export class Random {
  #state: number;

  constructor(readonly seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list");
    return items[this.int(items.length)];
  }

  /** Up to `max` distinct items of `items`, in random order. */
  some<T>(items: readonly T[], max: number): T[] {
    const copy = [...items];
    const out: T[] = [];
    const n = this.int(Math.min(max, copy.length) + 1);
    for (let i = 0; i < n; i++) {
      out.push(copy.splice(this.int(copy.length), 1)[0]);
    }
    return out;
  }

  /** A random IPv4 address in 10.0.0.0/8 (never one the fixture uses). */
  ip(): string {
    return `10.${1 + this.int(250)}.${this.int(256)}.${1 + this.int(254)}`;
  }
}

/** The seed from FUZZ_SEED, or a fresh random one. */
export function fuzzSeed(): number {
  const raw = Deno.env.get("FUZZ_SEED");
  if (raw !== undefined && raw !== "") {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) {
      throw new Error(`FUZZ_SEED must be an integer 0..4294967295: ${raw}`);
    }
    return n;
  }
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/** FUZZ_COUNT scaled: the number of requests a phase sends. */
export function fuzzCount(defaultCount: number): number {
  const raw = Deno.env.get("FUZZ_COUNT");
  if (raw === undefined || raw === "") return defaultCount;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    throw new Error(`FUZZ_COUNT must be a positive integer: ${raw}`);
  }
  return n;
}

/**
 * Failure budgets: failed sign-ins, client authentications, admin-token and
 * setup attempts, counted per bucket and key (an address, an account, a
 * device) in fixed windows.
 *
 * An attempt is counted before its secret is checked, and a count that
 * cannot be read or written means "limited", never "allowed":
 *
 * 1. `begin` reads the key's failures in this window from Deno KV (exact,
 *    shared by every instance; a read is reused for up to a second while no
 *    thread of this process has written a failure to that key's cell), and
 *    marks the attempt in flight in the process's shared memory
 *    (lib/security/shared_counters.ts). Failures + attempts in flight +
 *    failures not yet written must stay within the limit. When the failures
 *    alone reach it, the attempt is refused before anything is evaluated;
 *    when attempts still in flight hold the rest, it waits (up to 3 s) for
 *    them to settle, so a burst of right passwords from one address is
 *    served, not refused. Either way concurrent requests on any thread of
 *    one process never have more than the budget evaluated.
 * 2. `failed` counts the failure as pending (every thread sees it at once),
 *    then adds it in KV with an atomic `sum` (no read-modify-write, so two
 *    threads on one KV file never meet "database is locked"; transient
 *    errors are retried), then moves the cell's version so other threads
 *    re-read. `succeeded` only ends the attempt: success is not a failure.
 *
 * Other instances see a failure within a second (the read reuse); within
 * one process the budget is exact. `sum` cannot carry an expiry, so keys
 * carry their window and old windows are swept as new ones begin.
 * @module
 */
import type { Logger } from "../log.ts";
import { rateLimitHits } from "../metrics/metrics.ts";
import { type Cell, SharedCounters } from "./shared_counters.ts";

/** How long a count read from KV is reused while its cell's version holds. */
const LOCAL_TTL_MS = 1000;
const LOCAL_MAX_ENTRIES = 10_000;
/** KV operations are tried this often before the attempt counts as limited. */
const KV_TRIES = 5;
/** Retry-After when the counters themselves could not be read. */
const UNAVAILABLE_RETRY_AFTER = 5;
/**
 * How long an attempt waits for room when the budget's rest is taken by
 * attempts still being evaluated (a burst of right passwords from one
 * address), before it counts as limited.
 */
const MAX_WAIT_MS = 3000;

export interface Budget {
  /** Failures allowed per window before requests are refused. */
  limit: number;
  windowSeconds: number;
}

/** Budgets for each counted action. */
export const BUDGETS = {
  adminLoginPerIP: { limit: 10, windowSeconds: 300 },
  /** Wrong setup codes (or bootstrap tokens) at /setup, per address. */
  setupPerIP: { limit: 10, windowSeconds: 300 },
  loginPerIP: { limit: 30, windowSeconds: 300 },
  /** Per account and IP: stops one source without locking the owner out. */
  loginPerAccountIP: { limit: 10, windowSeconds: 300 },
  /** Per account from anywhere: a looser cap on distributed guessing. */
  loginPerAccount: { limit: 100, windowSeconds: 300 },
  /**
   * Per account and known device (a browser that signed in as that user
   * before, lib/security/device_cookie.ts): its own budget, untouched by
   * failures from unknown browsers.
   */
  loginPerDevice: { limit: 10, windowSeconds: 300 },
  clientAuthPerIP: { limit: 30, windowSeconds: 300 },
  /** Per client and IP: stops one source without locking the client out. */
  clientAuthPerClientIP: { limit: 20, windowSeconds: 300 },
  /** Per client from anywhere: a looser cap on distributed guessing. */
  clientAuthPerClient: { limit: 200, windowSeconds: 300 },
  /** Wrong TOTP or recovery codes, per address. */
  secondFactorPerIP: { limit: 30, windowSeconds: 300 },
  /**
   * Per account: a six-digit code (three steps accepted) must not be
   * guessable, so far fewer than sign-ins: 10 per 15 minutes.
   */
  secondFactorPerAccount: { limit: 10, windowSeconds: 900 },
  /** Passkey assertions that fail, per address. */
  passkeyPerIP: { limit: 30, windowSeconds: 300 },
  /** Per account whose passkey was presented. */
  passkeyPerAccount: { limit: 30, windowSeconds: 300 },
  /** RFC 7591 registrations (each attempt counts), per address. */
  registrationPerIP: { limit: 20, windowSeconds: 3600 },
  /** Forgot-password requests (each counts), per address: 429 past it. */
  recoveryPerIP: { limit: 10, windowSeconds: 900 },
  /**
   * Reset mails per account: past it requests are answered as usual and
   * nothing is sent, so the answer never tells whether the account exists.
   */
  recoveryPerAccount: { limit: 3, windowSeconds: 3600 },
  /** Verification mails per account (sign-in of an unverified account, resend). */
  verificationPerAccount: { limit: 3, windowSeconds: 3600 },
  /** Account registration attempts (each counts), per address. */
  accountRegistrationPerIP: { limit: 10, windowSeconds: 3600 },
} as const satisfies Record<string, Budget>;

/** One budget an attempt counts against: `bucket` names it, `id` the key. */
export interface Counter {
  bucket: string;
  id: string;
  budget: Budget;
}

/** An admitted attempt: exactly one of its methods must be called. */
export interface Attempt {
  /** The secret was right; `forget` resets those counters (e.g. a device). */
  succeeded(options?: { forget?: Counter[] }): Promise<void>;
  /** The secret was wrong: one failure on every counter, in KV. */
  failed(): Promise<void>;
  /**
   * The check could not be made (the database failed while reading the
   * secret): the attempt ends without counting as a failure. Nothing when
   * it was already settled.
   */
  abandoned(): void;
}

/**
 * Runs `check` (reading and comparing the secret) inside an admitted
 * attempt. If it throws, the attempt is abandoned before the error goes on,
 * so an outage never leaves attempts in flight that would hold the budget.
 */
export async function checking<T>(
  attempt: Attempt,
  check: () => Promise<T>,
): Promise<T> {
  try {
    return await check();
  } catch (err) {
    attempt.abandoned();
    throw err;
  }
}

/** An attempt refused before anything was evaluated. */
export interface Refusal {
  ok: false;
  /** Seconds until the exhausted window ends (for Retry-After). */
  retryAfter: number;
  /** The bucket that was exhausted (or `unavailable`). */
  bucket: string;
}

export type Admission = { ok: true; attempt: Attempt } | Refusal;

interface Entry {
  counter: Counter;
  key: Deno.KvKey;
  cacheKey: string;
  window: number;
  resetAt: number;
  cell: Cell;
}

interface CachedCount {
  count: number;
  version: number;
  readAt: number;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a KV operation, retrying transient errors ("database is locked"). */
async function withRetries<T>(op: () => Promise<T>): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (attempt >= KV_TRIES) throw err;
      await delay(2 ** attempt * (2 + Math.random() * 3));
    }
  }
}

/** The failure budgets of one thread: Deno KV plus the process's shared memory. */
export class FailureBudgets {
  readonly #cache = new Map<string, CachedCount>();
  /** The window each bucket was last swept for. */
  readonly #swept = new Map<string, number>();
  /** Each counter's entry in its current window (`#entry`). */
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly kv: Deno.Kv,
    readonly shared: SharedCounters = new SharedCounters(),
    readonly log?: Logger,
  ) {}

  /**
   * The KV key, cache key and shared cell of a counter in the window of
   * `nowMs`, remembered per counter until its window ends: every client
   * authentication counts three, and building them each time (a key, its
   * JSON, the cell's keyed hash) cost a twentieth of an introspection.
   */
  #entry(counter: Counter, nowMs: number): Entry {
    const seconds = counter.budget.windowSeconds;
    const window = Math.floor(nowMs / 1000 / seconds);
    const name = `${counter.bucket}\n${counter.id}`;
    const known = this.#entries.get(name);
    if (
      known !== undefined && known.window === window &&
      known.counter.budget === counter.budget
    ) {
      return known;
    }
    const key = ["budget", counter.bucket, window, counter.id];
    const entry = {
      counter,
      key,
      cacheKey: JSON.stringify(key),
      window,
      resetAt: (window + 1) * seconds,
      cell: this.shared.cellOf(name),
    };
    if (this.#entries.size >= LOCAL_MAX_ENTRIES) this.#entries.clear();
    this.#entries.set(name, entry);
    return entry;
  }

  /** Failures in KV for each entry, reusing reads made at the same version. */
  async #counts(entries: Entry[], versions: number[]): Promise<number[]> {
    const now = Date.now();
    const counts: (number | undefined)[] = entries.map((e, i) => {
      const cached = this.#cache.get(e.cacheKey);
      return cached && cached.version === versions[i] &&
          now - cached.readAt < LOCAL_TTL_MS
        ? cached.count
        : undefined;
    });
    const missing = entries.filter((_, i) => counts[i] === undefined);
    if (missing.length > 0) {
      const readAt = Date.now();
      const read = await withRetries(() =>
        this.kv.getMany<Deno.KvU64[]>(missing.map((e) => e.key))
      );
      if (this.#cache.size > LOCAL_MAX_ENTRIES) this.#cache.clear();
      let next = 0;
      for (let i = 0; i < entries.length; i++) {
        if (counts[i] !== undefined) continue;
        const value = read[next++].value;
        const count = value instanceof Deno.KvU64 ? Number(value.value) : 0;
        counts[i] = count;
        this.#cache.set(entries[i].cacheKey, {
          count,
          version: versions[i],
          readAt,
        });
      }
    }
    return counts as number[];
  }

  /**
   * Admits one attempt against every counter (in order), or refuses it
   * before anything is evaluated. `nowMs` is the injected clock. For a check
   * that awaits (a password hash); a synchronous one uses `evaluate`.
   *
   * @example
   * const admission = await deps.budgets.begin(counters, deps.now() * 1000);
   * if (!admission.ok) return limited(admission.retryAfter);
   * if (!secretMatches) { await admission.attempt.failed(); return denied(); }
   * await admission.attempt.succeeded();
   */
  async begin(counters: Counter[], nowMs: number): Promise<Admission> {
    const admitted = await this.#admit(counters, nowMs, (attempt) => attempt);
    return admitted.ok ? { ok: true, attempt: admitted.value } : admitted;
  }

  /**
   * Admits one attempt and runs `failureOf`, a synchronous check (a secret
   * compared by digest) that answers null when the secret is right and
   * otherwise what went wrong, then settles the attempt, with nothing
   * awaited between counting it and settling it. So an attempt is never in
   * flight while other requests run: a burst of right secrets larger than
   * the budget is answered at once, where attempts begun with `begin` and
   * settled after an await hold the budget for each other and wait.
   */
  async evaluate<F>(
    counters: Counter[],
    nowMs: number,
    failureOf: () => F | null,
  ): Promise<Refusal | { ok: true; failure: F | null }> {
    let settled: Promise<void> = Promise.resolve();
    const admitted = await this.#admit(counters, nowMs, (attempt) => {
      let failure: F | null;
      try {
        failure = failureOf();
      } catch (err) {
        attempt.abandoned();
        throw err;
      }
      settled = failure === null ? attempt.succeeded() : attempt.failed();
      return failure;
    });
    await settled;
    return admitted.ok ? { ok: true, failure: admitted.value } : admitted;
  }

  /**
   * Reads the counts and enters the attempt, waiting while attempts in
   * flight hold the rest of the budget; `admitted` runs in the same
   * synchronous step as the entry.
   */
  async #admit<T>(
    counters: Counter[],
    nowMs: number,
    admitted: (attempt: Attempt) => T,
  ): Promise<Refusal | { ok: true; value: T }> {
    const entries = counters.map((c) => this.#entry(c, nowMs));
    for (
      let waited = 0, step = 2;;
      waited += step, step = Math.min(step * 2, 50)
    ) {
      const versions = entries.map((e) => this.shared.version(e.cell));
      let counts: number[];
      try {
        counts = await this.#counts(entries, versions);
      } catch (err) {
        this.log?.log("error", "failure budgets unreadable; limiting", {
          err: String(err),
        });
        rateLimitHits.inc({ bucket: "unavailable" });
        return {
          ok: false,
          retryAfter: UNAVAILABLE_RETRY_AFTER,
          bucket: "unavailable",
        };
      }
      const tried = this.#tryEnter(entries, versions, counts, nowMs);
      if (tried.ok) return { ok: true, value: admitted(tried.attempt) };
      if (tried.exhausted || waited >= MAX_WAIT_MS) {
        rateLimitHits.inc({ bucket: tried.bucket });
        return {
          ok: false,
          retryAfter: tried.retryAfter,
          bucket: tried.bucket,
        };
      }
      // The rest of the budget is held by attempts being evaluated: wait
      // for them to settle. If they fail, the budget is spent and this one
      // is refused; if they succeed, there is room again.
      await delay(step);
    }
  }

  /**
   * One look at the counts and the shared memory, with nothing awaited in
   * between: failures (in KV, written since the read, or not yet written)
   * plus attempts in flight must leave room for this one on every counter.
   */
  #tryEnter(
    entries: Entry[],
    versions: number[],
    counts: number[],
    nowMs: number,
  ):
    | { ok: true; attempt: Attempt }
    | { ok: false; exhausted: boolean; retryAfter: number; bucket: string } {
    const entered: Entry[] = [];
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const limit = e.counter.budget.limit;
      // Entered before looking, so two threads racing for the last unit of
      // budget both see each other (and both back off), never both pass.
      const inFlight = this.shared.enter(e.cell);
      entered.push(e);
      // Each version step since the read is at most one failure the read
      // may have missed (it stopped being pending after it was written):
      // count them all rather than read again.
      const missed = this.shared.version(e.cell) - versions[i];
      const failures = counts[i] + missed + this.shared.pending(e.cell);
      if (failures >= limit || failures + inFlight > limit) {
        for (const x of entered) this.shared.leave(x.cell);
        return {
          ok: false,
          exhausted: failures >= limit,
          retryAfter: failures >= limit
            ? Math.max(1, Math.ceil(e.resetAt - nowMs / 1000))
            : 1,
          bucket: e.counter.bucket,
        };
      }
    }
    return { ok: true, attempt: this.#attempt(entries, nowMs) };
  }

  #attempt(entries: Entry[], nowMs: number): Attempt {
    let settled = false;
    const settle = () => {
      if (settled) throw new Error("attempt already settled");
      settled = true;
    };
    return {
      succeeded: async (options = {}) => {
        settle();
        for (const e of entries) this.shared.leave(e.cell);
        for (const counter of options.forget ?? []) {
          await this.#forget(this.#entry(counter, nowMs));
        }
      },
      failed: async () => {
        settle();
        for (const e of entries) this.shared.fail(e.cell);
        await this.#write(entries);
      },
      abandoned: () => {
        if (settled) return;
        settled = true;
        for (const e of entries) this.shared.leave(e.cell);
      },
    };
  }

  /** Adds one failure per entry in KV, then tells the other threads. */
  async #write(entries: Entry[]): Promise<void> {
    try {
      await withRetries(async () => {
        const op = this.kv.atomic();
        for (const e of entries) op.sum(e.key, 1n);
        const result = await op.commit();
        if (!result.ok) throw new Error("kv sum not committed");
      });
    } catch (err) {
      // The failure stays pending in shared memory: this process keeps
      // counting it (errs towards limited); other instances miss it.
      this.log?.log("error", "failure not written to KV", {
        err: String(err),
      });
      return;
    }
    for (const e of entries) {
      this.#cache.delete(e.cacheKey);
      this.shared.written(e.cell, { pending: true });
    }
    await this.#sweep(entries);
  }

  async #forget(entry: Entry): Promise<void> {
    try {
      await withRetries(() => this.kv.delete(entry.key));
      this.#cache.delete(entry.cacheKey);
      this.shared.written(entry.cell, { pending: false });
    } catch (err) {
      // Not forgetting only keeps a count: safe.
      this.log?.log("warn", "failure count not reset", { err: String(err) });
    }
  }

  /**
   * Deletes the windows before the previous one, once per bucket and window
   * in this thread (a `sum` key cannot expire by itself).
   */
  async #sweep(entries: Entry[]): Promise<void> {
    for (const e of entries) {
      const bucket = e.counter.bucket;
      if (this.#swept.get(bucket) === e.window) continue;
      this.#swept.set(bucket, e.window);
      try {
        let batch = this.kv.atomic();
        let size = 0;
        const old = this.kv.list({
          start: ["budget", bucket],
          end: ["budget", bucket, e.window - 1],
        });
        for await (const item of old) {
          batch.delete(item.key);
          if (++size === 100) {
            await batch.commit();
            batch = this.kv.atomic();
            size = 0;
          }
        }
        if (size > 0) await batch.commit();
      } catch (err) {
        this.log?.log("warn", "old failure windows not swept", {
          bucket,
          err: String(err),
        });
      }
    }
  }
}

/**
 * Failure counters in Deno KV, shared by every instance: failed logins,
 * client authentications, admin-token and setup attempts, counted per bucket
 * and key (an IP, an account) in fixed windows. Only failures write to KV.
 *
 * A KV read on every client authentication cost about a third of an
 * introspection, so each process keeps the counts it read for up to a
 * second (and counts its own failures at once): a limit is exact for one
 * process and at most a second behind for failures on other instances.
 * @module
 */
import { rateLimitHits } from "../metrics/metrics.ts";

/** How long a count read from KV is trusted without reading again. */
const LOCAL_TTL_MS = 1000;
const LOCAL_MAX_ENTRIES = 10_000;

interface LocalCount {
  count: number;
  readAt: number;
}

const localCounts = new WeakMap<Deno.Kv, Map<string, LocalCount>>();

function localFor(kv: Deno.Kv): Map<string, LocalCount> {
  let map = localCounts.get(kv);
  if (!map) {
    map = new Map();
    localCounts.set(kv, map);
  }
  if (map.size > LOCAL_MAX_ENTRIES) map.clear();
  return map;
}

export interface Budget {
  /** Failures allowed per window before requests are refused. */
  limit: number;
  windowSeconds: number;
}

export interface LimitState {
  limited: boolean;
  /** Seconds until the window resets (for Retry-After). */
  retryAfter: number;
}

/** Budgets for each counted action. */
export const BUDGETS = {
  adminLoginPerIP: { limit: 10, windowSeconds: 300 },
  loginPerIP: { limit: 30, windowSeconds: 300 },
  /** Per account and IP: stops one source without locking the owner out. */
  loginPerAccountIP: { limit: 10, windowSeconds: 300 },
  /** Per account from anywhere: a looser cap on distributed guessing. */
  loginPerAccount: { limit: 100, windowSeconds: 300 },
  clientAuthPerIP: { limit: 30, windowSeconds: 300 },
  /** Per client and IP: stops one source without locking the client out. */
  clientAuthPerClientIP: { limit: 20, windowSeconds: 300 },
  /** Per client from anywhere: a looser cap on distributed guessing. */
  clientAuthPerClient: { limit: 200, windowSeconds: 300 },
} as const satisfies Record<string, Budget>;

function windowKey(bucket: string, id: string, budget: Budget, nowMs: number) {
  const window = Math.floor(nowMs / 1000 / budget.windowSeconds);
  const resetAt = (window + 1) * budget.windowSeconds;
  return { key: ["ratelimit", bucket, id, window], resetAt };
}

/** Whether `id` has used up its failure budget in `bucket`. */
export async function checkLimit(
  kv: Deno.Kv,
  bucket: string,
  id: string,
  budget: Budget,
  nowMs: number = Date.now(),
): Promise<LimitState> {
  const { key, resetAt } = windowKey(bucket, id, budget, nowMs);
  const local = localFor(kv);
  const cacheKey = JSON.stringify(key);
  const cached = local.get(cacheKey);
  let count: number;
  if (cached && Date.now() - cached.readAt < LOCAL_TTL_MS) {
    count = cached.count;
  } else {
    const entry = await kv.get<Deno.KvU64>(key);
    count = entry.value ? Number(entry.value.value) : 0;
    local.set(cacheKey, { count, readAt: Date.now() });
  }
  if (count >= budget.limit) rateLimitHits.inc({ bucket });
  return {
    limited: count >= budget.limit,
    retryAfter: Math.max(1, Math.ceil(resetAt - nowMs / 1000)),
  };
}

/** Counts one failure for `id` in `bucket`. */
export async function recordFailure(
  kv: Deno.Kv,
  bucket: string,
  id: string,
  budget: Budget,
  nowMs: number = Date.now(),
): Promise<void> {
  const { key } = windowKey(bucket, id, budget, nowMs);
  const expireIn = budget.windowSeconds * 1000 + 1000;
  // Compare-and-set so concurrent failures are all counted, with an expiry
  // (which a plain `sum` mutation cannot carry).
  for (let attempt = 0; attempt < 10; attempt++) {
    const entry = await kv.get<Deno.KvU64>(key);
    const next = new Deno.KvU64((entry.value?.value ?? 0n) + 1n);
    const result = await kv.atomic().check(entry).set(key, next, { expireIn })
      .commit();
    if (result.ok) {
      localFor(kv).set(JSON.stringify(key), {
        count: Number(next.value),
        readAt: Date.now(),
      });
      return;
    }
  }
}

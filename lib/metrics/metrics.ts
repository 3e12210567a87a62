/**
 * The server's metrics, one registry per thread: requests by route and
 * status with latency, tokens issued/refreshed/revoked by grant and client,
 * sign-ins, rate-limit hits, database pool usage.
 * @module
 */
import { Registry } from "./registry.ts";

export const registry = new Registry();

export const httpRequests = registry.counter(
  "oauth_http_requests_total",
  "HTTP requests by method, route pattern and status.",
);
export const httpDuration = registry.histogram(
  "oauth_http_request_duration_seconds",
  "HTTP request latency by method and route pattern.",
);
export const tokensIssued = registry.counter(
  "oauth_tokens_issued_total",
  "Token responses by grant type and client.",
);
export const tokensRevoked = registry.counter(
  "oauth_tokens_revoked_total",
  "Tokens revoked at /revoke by token kind and client.",
);
export const logins = registry.counter(
  "oauth_logins_total",
  "Password sign-ins by result (success, failure, limited).",
);
export const rateLimitHits = registry.counter(
  "oauth_rate_limit_hits_total",
  "Requests refused because a failure budget was used up, by bucket.",
);
export const dbPool = registry.gauge(
  "oauth_db_pool_connections",
  "PostgreSQL pool connections by state (total, idle, waiting).",
);

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

let poolSource: (() => PoolStats) | null = null;

/** Samples the PostgreSQL pool of this thread at each scrape. */
export function reportPoolFrom(source: (() => PoolStats) | null): void {
  poolSource = source;
}

registry.onCollect(() => {
  if (!poolSource) return;
  const stats = poolSource();
  dbPool.set({ state: "total" }, stats.total);
  dbPool.set({ state: "idle" }, stats.idle);
  dbPool.set({ state: "waiting" }, stats.waiting);
});

/** Small facts about an incoming request, asked in one place. */
import type { Context } from "hono";
import type { AppEnv } from "./define.ts";
import { clientAddress, type ProxyNetwork } from "./proxies.ts";

/** What the server hands each request (Deno.ServeHandlerInfo, loosely). */
export interface ServeInfo {
  remoteAddr?: { hostname?: string };
}

/**
 * The client's address: the TCP peer, or, when the peer is one of
 * TRUSTED_PROXIES, the client its X-Forwarded-For names (lib/http/proxies.ts).
 */
export function requestIP(
  req: Request,
  info: ServeInfo | undefined,
  trusted: ProxyNetwork[],
): string | null {
  const peer = info?.remoteAddr?.hostname ?? null;
  if (trusted.length === 0) return peer;
  return clientAddress(peer, req.headers.get("X-Forwarded-For"), trusted);
}

/** The client's address for a Hono request (see `requestIP`). */
export function clientIP(c: Context<AppEnv>): string | null {
  return requestIP(
    c.req.raw,
    c.env as ServeInfo | undefined,
    c.var.deps.config.trustedProxies,
  );
}

/** True when the client prefers HTML over JSON (a browser). */
export function wantsHTML(req: Request): boolean {
  const accept = req.headers.get("Accept") ?? "";
  if (!accept.includes("text/html")) return false;
  const json = accept.indexOf("application/json");
  return json === -1 || accept.indexOf("text/html") < json;
}

/** Small facts about an incoming request, asked in one place. */
import type { Context } from "hono";

/** What the server hands each request (Deno.ServeHandlerInfo, loosely). */
export interface ServeInfo {
  remoteAddr?: { hostname?: string };
}

/** The peer address from the serve info (no proxy headers are trusted). */
export function peerAddress(info: ServeInfo | undefined): string | null {
  return info?.remoteAddr?.hostname ?? null;
}

/** The peer address of a Hono request (no proxy headers are trusted). */
export function clientIP(c: Context): string | null {
  return peerAddress(c.env as ServeInfo | undefined);
}

/** True when the client prefers HTML over JSON (a browser). */
export function wantsHTML(req: Request): boolean {
  const accept = req.headers.get("Accept") ?? "";
  if (!accept.includes("text/html")) return false;
  const json = accept.indexOf("application/json");
  return json === -1 || accept.indexOf("text/html") < json;
}

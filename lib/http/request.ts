/** Small facts about an incoming request, asked in one place. */
import type { Context } from "hono";

interface ServeInfo {
  remoteAddr?: { hostname?: string };
}

/** The peer address (no proxy headers are trusted). */
export function clientIP(c: Context): string | null {
  const info = c.env as ServeInfo | undefined;
  return info?.remoteAddr?.hostname ?? null;
}

/** True when the client prefers HTML over JSON (a browser). */
export function wantsHTML(req: Request): boolean {
  const accept = req.headers.get("Accept") ?? "";
  if (!accept.includes("text/html")) return false;
  const json = accept.indexOf("application/json");
  return json === -1 || accept.indexOf("text/html") < json;
}

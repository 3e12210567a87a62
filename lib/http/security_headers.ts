/**
 * Headers every response carries: a strict CSP (no inline script, no
 * framing), nosniff, no referrer, HSTS behind https. A page may widen
 * `form-action` (the consent page posts, then redirects to a client).
 * @module
 */
import type { MiddlewareHandler } from "hono";

const BASE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** The CSP for pages; `formAction` lists extra form targets. */
export function contentSecurityPolicy(formAction: string[] = []): string {
  return `${BASE_CSP}; form-action 'self'${
    formAction.length ? " " + formAction.join(" ") : ""
  }`;
}

export function securityHeaders(
  options: { https: boolean },
): MiddlewareHandler {
  const csp = contentSecurityPolicy();
  return async function securityHeaders(c, next) {
    await next();
    const h = c.res.headers;
    if (!h.has("Content-Security-Policy")) {
      h.set("Content-Security-Policy", csp);
    }
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    if (options.https) {
      h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
  };
}

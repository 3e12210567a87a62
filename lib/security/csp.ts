/**
 * The Content-Security-Policy every response carries (set by
 * lib/http/base.ts): no inline script, no framing, nothing from elsewhere.
 * A page may widen `form-action` (the consent page posts, then redirects
 * to a client).
 * @module
 */

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

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

/**
 * The CSP source that lets a form lead to `uri`: its origin for http(s), its
 * scheme for a native app's private-use scheme (whose origin is "null",
 * which matches nothing).
 */
export function formActionSource(uri: string): string {
  const url = new URL(uri);
  return url.protocol === "http:" || url.protocol === "https:"
    ? url.origin
    : url.protocol;
}

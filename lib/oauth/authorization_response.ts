/**
 * Sending the authorization response (RFC 6749 §4.1.2) or error
 * (§4.1.2.1) back to the client: in the query (redirect) or as an
 * auto-submitted form (OAuth 2.0 Form Post Response Mode). Every response
 * carries `iss` (RFC 9207) so clients can detect mix-up attacks.
 * @module
 */
import { contentSecurityPolicy } from "../http/security_headers.ts";
import type { ResponseMode } from "./authorize.ts";

export interface ResponseTarget {
  redirectURI: string;
  responseMode: ResponseMode;
  state: string | null;
}

function escapeHTML(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * Builds the response to the client. `status` is 302 after a GET, 303 after
 * a form POST (so the browser follows with GET).
 */
export function authorizationResponse(
  target: ResponseTarget,
  issuer: string,
  values: Record<string, string>,
  status: 302 | 303,
): Response {
  const params: Record<string, string> = { ...values };
  if (target.state !== null) params.state = target.state;
  params.iss = issuer;
  const headers = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
  };
  if (target.responseMode === "form_post") {
    const origin = new URL(target.redirectURI).origin;
    const inputs = Object.entries(params).map(([k, v]) =>
      `<input type="hidden" name="${escapeHTML(k)}" value="${escapeHTML(v)}">`
    ).join("");
    const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">` +
      `<title>Continuing…</title><script src="/static/form_post.js" defer></script></head>` +
      `<body><form method="post" action="${escapeHTML(target.redirectURI)}">` +
      `${inputs}<noscript><p>JavaScript is off. Press Continue to return to the application.</p>` +
      `<button type="submit">Continue</button></noscript></form></body></html>`;
    return new Response(html, {
      status: 200,
      headers: {
        ...headers,
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": contentSecurityPolicy([origin]),
      },
    });
  }
  const url = new URL(target.redirectURI);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  return new Response(null, {
    status,
    headers: { ...headers, Location: url.toString() },
  });
}

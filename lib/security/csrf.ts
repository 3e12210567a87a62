/**
 * CSRF protection for cookie-authenticated forms, two layers:
 * 1. Fresh's check: an unsafe request must come from our own origin
 *    (`Sec-Fetch-Site: same-origin|none`, else `Origin` equal to ours).
 * 2. A double-submit token: a random `csrf` cookie (HttpOnly, SameSite=Strict)
 *    whose value every form repeats in `csrf_token` (or the admin UI's
 *    `X-CSRF-Token` header), compared in constant time.
 * Keep it off /token, /revoke, /introspect: clients call those cross-origin.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { HttpError } from "../http/http_error.ts";
import { randomToken, timingSafeEqual } from "./crypto.ts";

export const CSRF_COOKIE = "csrf";
export const CSRF_FIELD = "csrf_token";
export const CSRF_HEADER = "X-CSRF-Token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The request's CSRF token, set as a cookie when it has none yet. */
export function csrfToken(c: Context, secure: boolean): string {
  const existing = getCookie(c, CSRF_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing;
  const token = randomToken(32);
  setCookie(c, CSRF_COOKIE, token, {
    httpOnly: true,
    sameSite: "Strict",
    secure,
    path: "/",
  });
  return token;
}

/** Whether the request comes from a page of `origin`. */
export function isSameOrigin(req: Request, origin: string): boolean {
  const site = req.headers.get("Sec-Fetch-Site");
  if (site !== null) return site === "same-origin" || site === "none";
  const from = req.headers.get("Origin");
  if (from !== null) return from === origin;
  // Neither header: not a modern browser's cross-site form post.
  return true;
}

const FORM_TYPES = new Set([
  "application/x-www-form-urlencoded",
  "multipart/form-data",
]);

/**
 * The posted form, read from a copy so the request body stays the handler's
 * to read (as JSON, text or form). A body already read through Hono comes
 * from Hono's cache. One that cannot be parsed (multipart without a
 * boundary, a broken part) is a 400 here, before any handler acts on it.
 */
async function readPostedForm(c: Context): Promise<FormData> {
  try {
    if (c.req.raw.bodyUsed) return await c.req.formData();
    return await c.req.raw.clone().formData();
  } catch (err) {
    throw new HttpError(400, "the form body could not be read", {
      code: "invalid_request",
      cause: err,
    });
  }
}

/** The token the request repeats: the header, else the form field. */
async function presentedToken(c: Context): Promise<string | null> {
  const type = (c.req.header("Content-Type") ?? "").split(";")[0].trim()
    .toLowerCase();
  const form = FORM_TYPES.has(type) ? await readPostedForm(c) : null;
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const value = form?.get(CSRF_FIELD);
  return typeof value === "string" ? value : null;
}

/** Throws 403 unless the request is same-origin and repeats the CSRF token. */
export async function verifyCSRF(c: Context, origin: string): Promise<void> {
  if (!isSameOrigin(c.req.raw, new URL(origin).origin)) {
    throw new HttpError(403, "cross-origin form submission refused", {
      code: "csrf",
    });
  }
  const cookie = getCookie(c, CSRF_COOKIE);
  const presented = await presentedToken(c);
  if (!cookie || !presented || !timingSafeEqual(cookie, presented)) {
    throw new HttpError(
      403,
      "the form expired or was not sent from this site; reload and try again",
      { code: "csrf" },
    );
  }
}

/**
 * Middleware refusing unsafe requests without same-origin proof and a
 * matching token (403).
 * @example
 * app.use("/admin/ui/*", csrfProtection({ origin: "https://id.example.com" }));
 */
export function csrfProtection(
  options: { origin: string },
): MiddlewareHandler {
  return async function csrf(c, next) {
    if (!SAFE_METHODS.has(c.req.method)) await verifyCSRF(c, options.origin);
    await next();
  };
}

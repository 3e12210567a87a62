/**
 * Admin authentication for /admin/* and /dev/*: the `X-Admin-Token` header
 * (API, constant-time, failures counted per IP in Deno KV), or the admin
 * session cookie from /admin/login (UI; unsafe methods then also need CSRF).
 * Browsers without a session are sent to the login page; APIs get 401.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv } from "../http/define.ts";
import { HttpError } from "../http/http_error.ts";
import { clientIP, wantsHTML } from "../http/request.ts";
import { csrfProtection } from "../security/csrf.ts";
import { BUDGETS, checkLimit, recordFailure } from "../security/rate_limit.ts";
import { SESSION_COOKIE, validateSession } from "../security/session.ts";
import { verifyAdminToken } from "./admin_token.ts";

export const ADMIN_TOKEN_HEADER = "X-Admin-Token";

export interface AdminAuthOptions {
  /** Paths that need no admin (the login page itself). */
  publicPaths?: string[];
  /** Accept the admin session cookie as well as the header. */
  allowSession?: boolean;
}

/**
 * Throws 429 when this IP has failed the admin token too often. `now` is the
 * injected clock (epoch seconds), so windows follow `deps.now()`.
 */
export async function guardAdminAttempts(
  kv: Deno.Kv,
  ip: string | null,
  now: number,
): Promise<void> {
  const state = await checkLimit(
    kv,
    "admin-token",
    ip ?? "unknown",
    BUDGETS.adminLoginPerIP,
    now * 1000,
  );
  if (state.limited) {
    throw new HttpError(429, "too many failed admin token attempts", {
      headers: { "Retry-After": String(state.retryAfter) },
    });
  }
}

/** Counts one failed admin token for this IP (`now`: epoch seconds). */
export function recordAdminFailure(
  kv: Deno.Kv,
  ip: string | null,
  now: number,
): Promise<void> {
  return recordFailure(
    kv,
    "admin-token",
    ip ?? "unknown",
    BUDGETS.adminLoginPerIP,
    now * 1000,
  );
}

export function adminAuth(
  options: AdminAuthOptions = {},
): MiddlewareHandler<AppEnv> {
  const publicPaths = new Set(options.publicPaths ?? []);
  // One CSRF check per issuer: the middleware is built once per module, but
  // each app (tests run several in one process) has its own issuer.
  const csrfByIssuer = new Map<string, MiddlewareHandler>();
  return async function adminAuth(c, next) {
    if (publicPaths.has(c.req.path)) return await next();
    const { db, kv, config, now } = c.var.deps;
    const ip = clientIP(c);
    const header = c.req.header(ADMIN_TOKEN_HEADER);
    if (header !== undefined) {
      await guardAdminAttempts(kv, ip, now());
      if (!(await verifyAdminToken(db, config.bootstrapAdminToken, header))) {
        await recordAdminFailure(kv, ip, now());
        throw new HttpError(401, "invalid admin token", {
          headers: { "WWW-Authenticate": 'AdminToken realm="admin"' },
        });
      }
      c.set("admin", { actor: "admin-token", via: "token" });
      return await next();
    }
    if (options.allowSession) {
      const session = await validateSession(
        db,
        "admin",
        getCookie(c, SESSION_COOKIE.admin),
        now(),
      );
      if (session) {
        c.set("admin", { actor: "admin-session", via: "session", session });
        let csrf = csrfByIssuer.get(config.issuer);
        if (!csrf) {
          csrf = csrfProtection({ origin: config.issuer });
          csrfByIssuer.set(config.issuer, csrf);
        }
        return await csrf(c, next);
      }
      if (
        (c.req.method === "GET" || c.req.method === "HEAD") &&
        wantsHTML(c.req.raw)
      ) {
        return c.redirect("/admin/login", 303);
      }
    }
    throw new HttpError(401, `missing ${ADMIN_TOKEN_HEADER} header`, {
      headers: { "WWW-Authenticate": 'AdminToken realm="admin"' },
    });
  };
}

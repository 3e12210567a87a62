/**
 * Admin authentication for /admin/* and /dev/*: the `X-Admin-Token` header
 * (API, constant-time, attempts counted per address against a failure
 * budget, failures audited), or the admin
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
import { insertAuditEvent } from "../db/audit_events.ts";
import type { Deps } from "../deps.ts";
import { adminTokenCounters } from "../security/budget_counters.ts";
import { checking } from "../security/rate_limit.ts";
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
 * Checks a presented admin token against the admin-token budget of `ip`
 * (counted before the token is compared, lib/security/rate_limit.ts).
 * Throws 429 when the budget is used up, 401 (and writes an audit event)
 * when the token is wrong.
 */
export async function verifyAdminTokenHeader(
  deps: Deps,
  presented: string,
  request: { ip: string | null; method: string; path: string },
): Promise<void> {
  const { db, budgets, config, now } = deps;
  const admission = await budgets.begin(
    adminTokenCounters(request.ip),
    now() * 1000,
  );
  if (!admission.ok) {
    throw new HttpError(429, "too many failed admin token attempts", {
      headers: { "Retry-After": String(admission.retryAfter) },
    });
  }
  const right = await checking(
    admission.attempt,
    () => verifyAdminToken(db, config.bootstrapAdminToken, presented),
  );
  if (right) {
    await admission.attempt.succeeded();
    return;
  }
  await admission.attempt.failed();
  // Only attempts the budget let through get here: a flood cannot turn
  // into unbounded audit rows (the refused ones are counted in metrics).
  await insertAuditEvent(db, {
    actor: "anonymous",
    action: "admin.token_failed",
    targetType: "admin_api",
    ip: request.ip,
    detail: { method: request.method, path: request.path.slice(0, 200) },
  }, now());
  throw new HttpError(401, "invalid admin token", {
    headers: { "WWW-Authenticate": 'AdminToken realm="admin"' },
  });
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
    const { db, config, now } = c.var.deps;
    const ip = clientIP(c);
    const header = c.req.header(ADMIN_TOKEN_HEADER);
    if (header !== undefined) {
      await verifyAdminTokenHeader(c.var.deps, header, {
        ip,
        method: c.req.method,
        path: c.req.path,
      });
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

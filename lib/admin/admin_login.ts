/**
 * Admin sign-in with the admin token: rate limited per IP (Deno KV), starts a
 * server-side admin session, writes an audit event either way.
 * @module
 */
import { insertAuditEvent } from "../db/audit_events.ts";
import type { Deps } from "../deps.ts";
import { adminTokenCounters } from "../security/budget_counters.ts";
import { checking } from "../security/rate_limit.ts";
import { createSession, endSession } from "../security/session.ts";
import { verifyAdminToken } from "./admin_token.ts";

export type AdminLoginResult =
  | { ok: true; cookie: string }
  | { ok: false; status: number; error: string; retryAfter?: number };

export async function adminLogin(
  deps: Deps,
  input: { token: string; ip: string | null; userAgent: string | null },
): Promise<AdminLoginResult> {
  const { db, budgets, config, now } = deps;
  // Counted before the token is compared (lib/security/rate_limit.ts).
  const admission = await budgets.begin(
    adminTokenCounters(input.ip),
    now() * 1000,
  );
  if (!admission.ok) {
    return {
      ok: false,
      status: 429,
      error: "Too many failed attempts. Try again later.",
      retryAfter: admission.retryAfter,
    };
  }
  const right = await checking(
    admission.attempt,
    () => verifyAdminToken(db, config.bootstrapAdminToken, input.token),
  );
  if (!right) {
    await admission.attempt.failed();
    await insertAuditEvent(db, {
      actor: "anonymous",
      action: "admin.login_failed",
      targetType: "admin_session",
      ip: input.ip,
    }, now());
    return { ok: false, status: 401, error: "That admin token is not valid." };
  }
  await admission.attempt.succeeded();
  const issued = await createSession(db, {
    kind: "admin",
    userID: null,
    authTime: now(),
    ip: input.ip,
    userAgent: input.userAgent,
  }, now());
  await insertAuditEvent(db, {
    actor: "admin-session",
    action: "admin.login",
    targetType: "admin_session",
    targetID: issued.session.id,
    ip: input.ip,
  }, now());
  return { ok: true, cookie: issued.token };
}

/** Ends the admin session named by the cookie. */
export async function adminLogout(
  deps: Deps,
  cookie: string | undefined,
): Promise<void> {
  await endSession(deps.db, cookie);
}

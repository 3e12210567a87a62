/**
 * Confirming it is still the person before a change that lowers an
 * account's protection (turning off the authenticator app, deleting a
 * passkey, new recovery codes): the current password, counted against the
 * same failure budgets as a sign-in from an unknown device, so the form
 * cannot be used to guess. A confirmed session counts as freshly
 * authenticated for `RECENT_AUTH_SECONDS`.
 * @module
 */
import { insertAuditEvent } from "../../db/audit_events.ts";
import type { SessionRow, UserRow } from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import { unknownDeviceSignInCounters } from "../../security/budget_counters.ts";
import { verifyPassword } from "../../security/password.ts";

/** How long after authenticating a session may make protective changes. */
export const RECENT_AUTH_SECONDS = 300;

/** Whether the session authenticated recently enough for a protective change. */
export function recentlyAuthenticated(
  session: SessionRow,
  now: number,
): boolean {
  return now - session.auth_time <= RECENT_AUTH_SECONDS;
}

export type ReauthResult =
  | { ok: true }
  | { ok: false; reason: "invalid" | "limited"; retryAfter?: number };

/** Checks `user`'s current password, within the sign-in budgets. */
export async function confirmPassword(
  deps: Deps,
  user: UserRow,
  password: string,
  ip: string | null,
): Promise<ReauthResult> {
  const now = deps.now();
  const admission = await deps.budgets.begin(
    unknownDeviceSignInCounters(user.username_canonical, ip),
    now * 1000,
  );
  if (!admission.ok) {
    return { ok: false, reason: "limited", retryAfter: admission.retryAfter };
  }
  const ok = await verifyPassword(user.password_hash, password.slice(0, 1024));
  if (ok) await admission.attempt.succeeded();
  else await admission.attempt.failed();
  await insertAuditEvent(deps.db, {
    actor: `user:${user.username_canonical}`,
    action: ok ? "account.reauth_succeeded" : "account.reauth_failed",
    targetType: "account",
    targetID: user.id,
    ip,
  }, now);
  return ok ? { ok: true } : { ok: false, reason: "invalid" };
}

/**
 * Setting a password, whoever sets it (the person on /account, a reset
 * link, the forced change at sign-in, an admin): the new argon2id hash,
 * "must change" cleared, outstanding reset links retired, every other
 * session ended and the tokens issued outside the kept session revoked,
 * all in one transaction with its audit event. And checking the current
 * password before a change, within the sign-in failure budgets.
 * @module
 */
import { consumeUserAccountTokens } from "../db/account_tokens.ts";
import type { UserRow, UserUpdate } from "../db/schema.ts";
import {
  deleteUserSessions,
  deleteUserSessionsExcept,
} from "../db/sessions.ts";
import {
  revokeUserTokens,
  revokeUserTokensOutsideSession,
} from "../db/tokens.ts";
import { findUserByID, updateUser } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import { type Message, message } from "../i18n/messages.ts";
import { unknownDeviceSignInCounters } from "../security/budget_counters.ts";
import { hashPassword, verifyPassword } from "../security/password.ts";
import { checking } from "../security/rate_limit.ts";
import { canonicalUsername } from "../username.ts";
import { notifyAccountChange, recordAccountEvent } from "./notify.ts";

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 1024;

/** What is wrong with a new password, for the page to say, or null. */
export function passwordProblem(
  password: string,
  username: string,
): Message | null {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return message("password.too_short", { min: PASSWORD_MIN_LENGTH });
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return message("password.too_long", { max: PASSWORD_MAX_LENGTH });
  }
  if (password.includes("\0")) return message("password.nul");
  if (canonicalUsername(password) === canonicalUsername(username)) {
    return message("password.is_username");
  }
  return null;
}

export type ConfirmResult =
  | { ok: true }
  | { ok: false; reason: "invalid" | "limited"; retryAfter?: number };

/**
 * Checks the account's current password, counted like a sign-in from an
 * unknown browser (per address, account and address, account), so the
 * password form cannot be used to guess.
 */
export async function confirmCurrentPassword(
  deps: Deps,
  user: UserRow,
  password: string,
  ip: string | null,
): Promise<ConfirmResult> {
  const admission = await deps.budgets.begin(
    unknownDeviceSignInCounters(user.username_canonical, ip),
    deps.now() * 1000,
  );
  if (!admission.ok) {
    return { ok: false, reason: "limited", retryAfter: admission.retryAfter };
  }
  const ok = await checking(
    admission.attempt,
    () => verifyPassword(user.password_hash, password.slice(0, 1024)),
  );
  if (ok) await admission.attempt.succeeded();
  else await admission.attempt.failed();
  return ok ? { ok: true } : { ok: false, reason: "invalid" };
}

export interface SetPasswordOptions {
  /** The audit action (`account.password_changed`, `account.password_reset`, …). */
  action: string;
  ip: string | null;
  /** The session that made the change and stays signed in, if any. */
  keepSessionID?: string | null;
  /** Who acted, when not the owner (an admin). */
  actor?: string;
  /** Also mark this address verified when it is still the account's (a reset link proved it). */
  verifiedEmail?: string | null;
  /** Set "must change at next sign-in" instead of clearing it (admin reset). */
  mustChange?: boolean;
}

/**
 * Sets `password` for `user`: hashed before the transaction (argon2 holds
 * no lock), then one transaction. Returns the updated row, or null when
 * the account is gone.
 */
export async function setPassword(
  deps: Deps,
  user: UserRow,
  password: string,
  options: SetPasswordOptions,
): Promise<UserRow | null> {
  const passwordHash = await hashPassword(password);
  const now = deps.now();
  return await deps.db.transaction().execute(async (trx) => {
    const current = await findUserByID(trx, user.id);
    if (!current) return null;
    const values: UserUpdate = {
      password_hash: passwordHash,
      must_change_password: options.mustChange ? 1 : 0,
      updated_at: now,
    };
    if (options.verifiedEmail && options.verifiedEmail === current.email) {
      values.email_verified = 1;
      values.verify_before_sign_in = 0;
    }
    await updateUser(trx, user.id, values);
    await consumeUserAccountTokens(trx, user.id, "reset_password", now);
    const keep = options.keepSessionID ?? null;
    const ended = keep
      ? await deleteUserSessionsExcept(trx, user.id, keep)
      : await deleteUserSessions(trx, user.id);
    if (keep) await revokeUserTokensOutsideSession(trx, user.id, keep, now);
    else await revokeUserTokens(trx, user.id, now);
    await recordAccountEvent(trx, current, options.action, {
      ip: options.ip,
      actor: options.actor,
      detail: { sessions_ended: ended },
    }, now);
    return { ...current, ...values } as UserRow;
  });
}

/** A session this young may change the password without the current one. */
export const RECENT_SIGN_IN_SECONDS = 300;

export interface OwnPasswordChange {
  /** Needed unless the session signed in within RECENT_SIGN_IN_SECONDS. */
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

export type OwnPasswordResult =
  | { ok: true; user: UserRow }
  | {
    ok: false;
    status: number;
    /** Field name -> what is wrong; `""` is about the whole form. */
    errors: Record<string, Message>;
    retryAfter?: number;
  };

/** Whether the session signed in recently enough to skip the current password. */
export function signedInRecently(
  session: { auth_time: number },
  now: number,
): boolean {
  return now - session.auth_time <= RECENT_SIGN_IN_SECONDS;
}

/**
 * The person's own password change on /account: the current password, or
 * a sign-in within the last five minutes; then the new one, set with
 * every other session ended and their tokens revoked (this session stays).
 */
export async function changeOwnPassword(
  deps: Deps,
  current: { user: UserRow; session: { id: string; auth_time: number } },
  input: OwnPasswordChange,
  ip: string | null,
): Promise<OwnPasswordResult> {
  const { user, session } = current;
  if (input.newPassword !== input.confirmPassword) {
    return {
      ok: false,
      status: 400,
      errors: { new_password: message("password.new_mismatch") },
    };
  }
  const weak = passwordProblem(input.newPassword, user.username);
  if (weak) return { ok: false, status: 400, errors: { new_password: weak } };
  if (!signedInRecently(session, deps.now())) {
    const confirmed = await confirmCurrentPassword(
      deps,
      user,
      input.currentPassword,
      ip,
    );
    if (!confirmed.ok) {
      return confirmed.reason === "limited"
        ? {
          ok: false,
          status: 429,
          errors: { "": message("password.limited") },
          retryAfter: confirmed.retryAfter,
        }
        : {
          ok: false,
          status: 401,
          errors: { current_password: message("password.wrong_current") },
        };
    }
  }
  const updated = await setPassword(deps, user, input.newPassword, {
    action: "account.password_changed",
    ip,
    keepSessionID: session.id,
  });
  if (!updated) {
    return {
      ok: false,
      status: 404,
      errors: { "": message("account.gone") },
    };
  }
  notifyAccountChange(deps, updated, "password_changed", ip);
  return { ok: true, user: updated };
}

/**
 * User accounts: creation with an argon2id hash, and password sign-in that
 * answers the same way (and in about the same time) whether the username or
 * the password was wrong. Usernames are matched by their canonical form
 * (lib/username.ts). Every attempt is counted against failure budgets before
 * the password is checked (lib/security/rate_limit.ts): a known device's own
 * budget, or the unknown-device budgets (lib/security/device_cookie.ts).
 * Evaluated attempts are audited; never the password.
 * @module
 */
import { insertAuditEvent } from "./db/audit_events.ts";
import { findUserByCanonicalUsername, insertUser } from "./db/users.ts";
import type { DB, UserRow } from "./db/schema.ts";
import type { Deps } from "./deps.ts";
import {
  knownDeviceSignInCounter,
  unknownDeviceSignInCounters,
} from "./security/budget_counters.ts";
import { checking } from "./security/rate_limit.ts";
import {
  issueDeviceCookie,
  readDeviceCookie,
} from "./security/device_cookie.ts";
import {
  hashPassword,
  verifyDummyPassword,
  verifyPassword,
} from "./security/password.ts";
import { logins } from "./metrics/metrics.ts";
import { canonicalUsername } from "./username.ts";

export interface NewUserInput {
  username: string;
  password: string;
  email?: string | null;
  emailVerified?: boolean;
  claims?: Record<string, unknown>;
}

/** A new account's row (the password already hashed, outside any transaction). */
export interface NewUserRow {
  username: string;
  passwordHash: string;
  email?: string | null;
  emailVerified?: boolean;
  claims?: Record<string, unknown>;
  /** Self-registered with mail on: sign-in waits for the email's verification. */
  verifyBeforeSignIn?: boolean;
}

/** The users row of a new account: a fresh id, the canonical username. */
export function newUserRow(fields: NewUserRow, now: number): UserRow {
  return {
    id: crypto.randomUUID(),
    username: fields.username,
    username_canonical: canonicalUsername(fields.username),
    password_hash: fields.passwordHash,
    email: fields.email ?? null,
    email_verified: fields.emailVerified ? 1 : 0,
    claims: JSON.stringify(fields.claims ?? {}),
    disabled: 0,
    created_at: now,
    updated_at: now,
    lock_reason: null,
    locked_at: null,
    must_change_password: 0,
    verify_before_sign_in: fields.verifyBeforeSignIn ? 1 : 0,
  };
}

export async function createUser(
  db: DB,
  input: NewUserInput,
  now: number,
): Promise<UserRow> {
  const row = newUserRow({
    ...input,
    passwordHash: await hashPassword(input.password),
  }, now);
  await insertUser(db, row);
  return row;
}

export type SignInResult =
  | {
    ok: true;
    user: UserRow;
    /** The device cookie to set: this browser is now known for the user. */
    deviceCookie: string;
  }
  | {
    ok: false;
    /**
     * `locked`: the password was right but the admin locked the account
     * (said only to someone who knew the password).
     */
    reason: "invalid" | "limited" | "locked";
    retryAfter?: number;
  };

export interface SignInOptions {
  /** The `device` cookie the browser sent. */
  deviceCookie?: string;
  /** The client the sign-in is for (audit only). */
  clientID?: string;
}

/** Why an evaluated sign-in failed, for the audit log. */
type FailureReason = "unknown_user" | "wrong_password" | "disabled";

/** Checks a username and password against the failure budgets. */
export async function signIn(
  deps: Deps,
  username: string,
  password: string,
  ip: string | null,
  options: SignInOptions = {},
): Promise<SignInResult> {
  const now = deps.now();
  const account = canonicalUsername(username.slice(0, 200));
  // A NUL is in no username, and PostgreSQL text cannot even compare one.
  const searchable = username.length > 0 && username.length <= 200 &&
    !username.includes("\0");
  const devices = readDeviceCookie(deps.appSecret, options.deviceCookie, now);
  // Device entries name users by id: only then is the account looked up
  // before the attempt is admitted.
  let user = devices.length > 0 && searchable
    ? await findUserByCanonicalUsername(deps.db, account)
    : undefined;
  const device = user && devices.find((d) => d.userID === user!.id);
  const counters = device
    ? [knownDeviceSignInCounter(device.userID, device.deviceID)]
    : unknownDeviceSignInCounters(account, ip);
  const admission = await deps.budgets.begin(counters, now * 1000);
  if (!admission.ok) {
    logins.inc({ result: "limited" });
    return { ok: false, reason: "limited", retryAfter: admission.retryAfter };
  }
  const ok = await checking(admission.attempt, async () => {
    if (!user && devices.length === 0 && searchable) {
      user = await findUserByCanonicalUsername(deps.db, account);
    }
    if (user) return await verifyPassword(user.password_hash, password);
    await verifyDummyPassword(password);
    return false;
  });
  const audit = {
    actor: `user:${account.slice(0, 100)}`,
    // Not "user": that target type is the admin's changes to the account.
    targetType: "sign_in",
    targetID: user?.id ?? null,
    ip,
  };
  const detail = {
    username: username.slice(0, 100),
    client_id: options.clientID?.slice(0, 255) ?? null,
    device: device ? "known" : "unknown",
  };
  if (ok && user && user.disabled === 0) {
    await admission.attempt.succeeded({ forget: device ? counters : [] });
    logins.inc({ result: "success" });
    await insertAuditEvent(deps.db, {
      ...audit,
      action: "sign_in.succeeded",
      detail,
    }, now);
    return {
      ok: true,
      user,
      deviceCookie: issueDeviceCookie(deps.appSecret, devices, user.id, now),
    };
  }
  await admission.attempt.failed();
  logins.inc({ result: "failure" });
  const reason: FailureReason = !user
    ? "unknown_user"
    : ok
    ? "disabled"
    : "wrong_password";
  // Only attempts the budgets let through are written: a flood cannot turn
  // into unbounded audit rows (refused ones are counted in metrics).
  await insertAuditEvent(deps.db, {
    ...audit,
    action: "sign_in.failed",
    detail: { ...detail, reason },
  }, now);
  return { ok: false, reason: reason === "disabled" ? "locked" : "invalid" };
}

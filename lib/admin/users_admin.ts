/**
 * Users through the admin API: list, create, read, update, delete, password
 * reset. Answers never carry the password hash. Disabling a user or resetting
 * the password ends the user's sessions and revokes every token they hold,
 * in the transaction of the change.
 * @module
 */
import { consumeUserAccountTokens } from "../db/account_tokens.ts";
import type { UserRow, UserUpdate as UserRowUpdate } from "../db/schema.ts";
import { deleteUserSessions } from "../db/sessions.ts";
import { revokeUserTokens } from "../db/tokens.ts";
import {
  deleteUser,
  findUserByCanonicalUsername,
  findUserByID,
  insertUser,
  listUsers,
  updateUser,
} from "../db/users.ts";
import type { Deps } from "../deps.ts";
import { HttpError } from "../http/http_error.ts";
import { parseWith } from "../http/json_body.ts";
import { hashPassword } from "../security/password.ts";
import { canonicalUsername } from "../username.ts";
import { newUserRow } from "../users.ts";
import { type AdminActor, isUniqueViolation, notFound } from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";
import { PasswordReset, UserCreate, UserUpdate } from "./schemas.ts";

export interface UserView {
  id: string;
  username: string;
  email: string | null;
  email_verified: boolean;
  claims: Record<string, unknown>;
  disabled: boolean;
  /** Why the admin locked the account (with `disabled`). */
  lock_reason: string | null;
  locked_at: number | null;
  must_change_password: boolean;
  /** Self-registered, waiting for the address's verification before sign-in. */
  verify_before_sign_in: boolean;
  created_at: number;
  updated_at: number;
}

export function userView(row: UserRow): UserView {
  let claims: Record<string, unknown> = {};
  try {
    claims = JSON.parse(row.claims) ?? {};
  } catch {
    claims = {};
  }
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    email_verified: row.email_verified === 1,
    claims,
    disabled: row.disabled === 1,
    lock_reason: row.lock_reason,
    locked_at: row.locked_at,
    must_change_password: row.must_change_password === 1,
    verify_before_sign_in: row.verify_before_sign_in === 1,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function listUserViews(deps: Deps): Promise<UserView[]> {
  return (await listUsers(deps.db)).map(userView);
}

export async function getUserView(
  deps: Deps,
  userID: string,
): Promise<UserView> {
  const row = await findUserByID(deps.db, userID);
  if (!row) throw notFound("user", userID);
  return userView(row);
}

function duplicate(username: string, existing?: UserRow): HttpError {
  const same = existing && existing.username !== username
    ? ` (it is the same name as ${existing.username}: names are compared ignoring case and Unicode spelling differences)`
    : "";
  return new HttpError(409, `username ${username} is taken${same}`, {
    details: { username },
  });
}

/**
 * Creates a user with an argon2id password hash. 409 when the username is
 * taken, compared by canonical form (lib/username.ts: "Élodie", "élodie"
 * and its NFD spelling would be one person to everyone reading a consent
 * screen); the unique index on `username_canonical` settles a race.
 */
export async function createUserAccount(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<UserView> {
  const input = parseWith(UserCreate, body);
  const canonical = canonicalUsername(input.username);
  const taken = await findUserByCanonicalUsername(deps.db, canonical);
  if (taken) throw duplicate(input.username, taken);
  // Hashed before the transaction: ~40 ms of argon2 holds no database lock.
  const passwordHash = await hashPassword(input.password);
  const now = deps.now();
  const row = newUserRow({
    username: input.username,
    passwordHash,
    email: input.email,
    emailVerified: input.email_verified,
    claims: input.claims,
  }, now);
  try {
    await deps.db.transaction().execute(async (trx) => {
      const raced = await findUserByCanonicalUsername(trx, canonical);
      if (raced) throw duplicate(input.username, raced);
      await insertUser(trx, row);
      await recordAdminEvent(trx, who, {
        action: "user.created",
        targetType: "user",
        targetID: row.id,
        detail: { username: row.username },
      }, now);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate(input.username);
    throw err;
  }
  return userView(row);
}

/**
 * Updates email, email_verified, claims (replaced whole), disabled (the
 * lock, with lock_reason) and must_change_password. A new email is
 * unverified unless email_verified comes with it. Locking ends the user's
 * sessions and revokes their tokens; unlocking clears the reason.
 */
export async function updateUserAccount(
  deps: Deps,
  who: AdminActor,
  userID: string,
  body: unknown,
): Promise<UserView> {
  const input = parseWith(UserUpdate, body);
  const now = deps.now();
  return await deps.db.transaction().execute(async (trx) => {
    const user = await findUserByID(trx, userID);
    if (!user) throw notFound("user", userID);
    const values: UserRowUpdate = { updated_at: now };
    if (input.email !== undefined) {
      values.email = input.email;
      if (input.email !== user.email) values.email_verified = 0;
    }
    if (input.email_verified !== undefined) {
      values.email_verified = input.email_verified ? 1 : 0;
    }
    if (input.claims !== undefined) {
      values.claims = JSON.stringify(input.claims);
    }
    const disabling = input.disabled === true && user.disabled === 0;
    const enabling = input.disabled === false && user.disabled === 1;
    if (input.disabled !== undefined) values.disabled = input.disabled ? 1 : 0;
    if (disabling) values.locked_at = now;
    if (enabling) {
      values.locked_at = null;
      values.lock_reason = null;
    }
    if (input.lock_reason !== undefined && !enabling) {
      values.lock_reason = input.lock_reason || null;
    }
    if (input.must_change_password !== undefined) {
      values.must_change_password = input.must_change_password ? 1 : 0;
    }
    await updateUser(trx, userID, values);
    if (disabling) {
      await deleteUserSessions(trx, userID);
      await revokeUserTokens(trx, userID, now);
    }
    await recordAdminEvent(trx, who, {
      action: disabling
        ? "user.disabled"
        : enabling
        ? "user.enabled"
        : "user.updated",
      targetType: "user",
      targetID: userID,
      detail: {
        changed: Object.keys(input).sort(),
        ...(values.lock_reason ? { lock_reason: values.lock_reason } : {}),
      },
    }, now);
    return userView({ ...user, ...values } as UserRow);
  });
}

/** Sets a new password; ends the user's sessions and revokes their tokens. */
export async function resetPassword(
  deps: Deps,
  who: AdminActor,
  userID: string,
  body: unknown,
): Promise<UserView> {
  const input = parseWith(PasswordReset, body);
  if (!(await findUserByID(deps.db, userID))) throw notFound("user", userID);
  const passwordHash = await hashPassword(input.password);
  const now = deps.now();
  return await deps.db.transaction().execute(async (trx) => {
    const user = await findUserByID(trx, userID);
    if (!user) throw notFound("user", userID);
    await updateUser(trx, userID, {
      password_hash: passwordHash,
      updated_at: now,
    });
    const sessions = await deleteUserSessions(trx, userID);
    await revokeUserTokens(trx, userID, now);
    // Reset links mailed before no longer work.
    await consumeUserAccountTokens(trx, userID, "reset_password", now);
    await recordAdminEvent(trx, who, {
      action: "user.password_reset",
      targetType: "user",
      targetID: userID,
      detail: { sessions_ended: sessions },
    }, now);
    return userView({ ...user, updated_at: now });
  });
}

/** Deletes a user; sessions, codes, tokens and consents go with it. */
export async function removeUser(
  deps: Deps,
  who: AdminActor,
  userID: string,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const user = await findUserByID(trx, userID);
    if (!user || !(await deleteUser(trx, userID))) {
      throw notFound("user", userID);
    }
    await recordAdminEvent(trx, who, {
      action: "user.deleted",
      targetType: "user",
      targetID: userID,
      detail: { username: user.username },
    }, now);
  });
}

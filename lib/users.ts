/**
 * User accounts: creation with an argon2id hash, and password sign-in that
 * answers the same way (and in about the same time) whether the username or
 * the password was wrong. Failures are counted per IP and per account.
 * @module
 */
import { findUserByUsername, insertUser } from "./db/users.ts";
import type { DB, UserRow } from "./db/schema.ts";
import type { Deps } from "./deps.ts";
import {
  hashPassword,
  verifyDummyPassword,
  verifyPassword,
} from "./security/password.ts";
import { BUDGETS, checkLimit, recordFailure } from "./security/rate_limit.ts";
import { logins } from "./metrics/metrics.ts";

export interface NewUserInput {
  username: string;
  password: string;
  email?: string | null;
  emailVerified?: boolean;
  claims?: Record<string, unknown>;
}

export async function createUser(
  db: DB,
  input: NewUserInput,
  now: number,
): Promise<UserRow> {
  const row: UserRow = {
    id: crypto.randomUUID(),
    username: input.username,
    password_hash: await hashPassword(input.password),
    email: input.email ?? null,
    email_verified: input.emailVerified ? 1 : 0,
    claims: JSON.stringify(input.claims ?? {}),
    disabled: 0,
    created_at: now,
    updated_at: now,
  };
  await insertUser(db, row);
  return row;
}

export type SignInResult =
  | { ok: true; user: UserRow }
  | { ok: false; reason: "invalid" | "limited"; retryAfter?: number };

/** Checks a username and password; counts failures in Deno KV. */
export async function signIn(
  deps: Deps,
  username: string,
  password: string,
  ip: string | null,
): Promise<SignInResult> {
  const ipKey = ip ?? "unknown";
  const nowMs = deps.now() * 1000;
  const account = username.toLowerCase().slice(0, 200);
  const pair = `${account}|${ipKey}`;
  const states = await Promise.all([
    checkLimit(deps.kv, "login-ip", ipKey, BUDGETS.loginPerIP, nowMs),
    checkLimit(
      deps.kv,
      "login-account-ip",
      pair,
      BUDGETS.loginPerAccountIP,
      nowMs,
    ),
    checkLimit(
      deps.kv,
      "login-account",
      account,
      BUDGETS.loginPerAccount,
      nowMs,
    ),
  ]);
  if (states.some((s) => s.limited)) {
    logins.inc({ result: "limited" });
    return {
      ok: false,
      reason: "limited",
      retryAfter: Math.max(...states.map((s) => s.retryAfter)),
    };
  }
  // A NUL is in no username, and PostgreSQL text cannot even compare one.
  const user = username && username.length <= 200 && !username.includes("\0")
    ? await findUserByUsername(deps.db, username)
    : undefined;
  let ok = false;
  if (user) ok = await verifyPassword(user.password_hash, password);
  else await verifyDummyPassword(password);
  if (ok && user && user.disabled === 0) {
    logins.inc({ result: "success" });
    return { ok: true, user };
  }
  logins.inc({ result: "failure" });
  await Promise.all([
    recordFailure(deps.kv, "login-ip", ipKey, BUDGETS.loginPerIP, nowMs),
    recordFailure(
      deps.kv,
      "login-account-ip",
      pair,
      BUDGETS.loginPerAccountIP,
      nowMs,
    ),
    recordFailure(
      deps.kv,
      "login-account",
      account,
      BUDGETS.loginPerAccount,
      nowMs,
    ),
  ]);
  return { ok: false, reason: "invalid" };
}

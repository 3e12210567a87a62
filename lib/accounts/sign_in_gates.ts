/**
 * What stands between a right password and a session: an account that
 * registered itself while mail was on waits for its address to be verified
 * (a new link is mailed, within the account's budget), and an account the
 * admin marked "must change password at next sign-in" sets a new one
 * first. Shared by /authorize and /account/login.
 *
 * The forced change happens before any session exists: the sign-in hands
 * the form a ticket, HMAC-signed with a key derived from APP_SECRET, that
 * names the account, expires in 10 minutes and is bound to the current
 * password hash, so it stops working once the password changed (single
 * use without storage).
 * @module
 */
import { createHmac } from "node:crypto";
import type { UserRow } from "../db/schema.ts";
import { findUserByID } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import { type Message, message } from "../i18n/messages.ts";
import { sha256, timingSafeEqual } from "../security/crypto.ts";
import { verifyPassword } from "../security/password.ts";
import { notifyAccountChange } from "./notify.ts";
import { passwordProblem, setPassword } from "./passwords.ts";
import { offerVerification } from "./verification.ts";

/** How long the forced-change form stays good after the sign-in. */
export const CHANGE_TICKET_LIFETIME = 600;

export type SignInGate =
  | { kind: "open" }
  | { kind: "change_password"; ticket: string }
  | { kind: "verify_email"; email: string };

/** What a failed password sign-in says, with its status. */
export function signInFailure(
  reason: "invalid" | "limited" | "locked",
): { status: number; error: Message } {
  switch (reason) {
    case "limited":
      return { status: 429, error: message("sign_in.error.limited") };
    case "locked":
      return { status: 403, error: message("sign_in.error.locked") };
    case "invalid":
      return { status: 401, error: message("sign_in.error.invalid") };
  }
}

/** What the page says to an account waiting for its address's verification. */
export function verifyFirstMessage(maskedEmail: string): Message {
  return message("sign_in.verify_first", { email: maskedEmail });
}

/** `alice@example.com` → `a•••@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  return at <= 0 ? "•••" : `${email[0]}•••${email.slice(at)}`;
}

function ticketMAC(appSecret: string, body: string, hash: string): string {
  return createHmac("sha256", `password-change/v1:${appSecret}`)
    .update(`${body}.${sha256(hash)}`).digest("base64url");
}

/** A ticket for `user`'s forced password change. */
export function passwordChangeTicket(deps: Deps, user: UserRow): string {
  const body = `${user.id}.${deps.now() + CHANGE_TICKET_LIFETIME}`;
  return `${body}.${ticketMAC(deps.appSecret, body, user.password_hash)}`;
}

const TICKET = /^([0-9a-f-]{36})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** The account a ticket is good for, or null (forged, expired, used). */
export async function ticketHolder(
  deps: Deps,
  ticket: string | null,
): Promise<UserRow | null> {
  const m = ticket?.match(TICKET);
  if (!m || Number(m[2]) <= deps.now()) return null;
  const user = await findUserByID(deps.db, m[1]);
  if (!user || user.disabled === 1 || user.must_change_password !== 1) {
    return null;
  }
  const expected = ticketMAC(
    deps.appSecret,
    `${m[1]}.${m[2]}`,
    user.password_hash,
  );
  return timingSafeEqual(expected, m[3]) ? user : null;
}

/** The gate for an account whose password was just proven. */
export async function signInGate(
  deps: Deps,
  user: UserRow,
  ip: string | null,
): Promise<SignInGate> {
  // Only while mail is on: an account that registered then stays usable if
  // mail is later switched off.
  if (user.verify_before_sign_in === 1 && deps.mail.enabled && user.email) {
    await offerVerification(deps, user, ip, "sign_in");
    return { kind: "verify_email", email: maskEmail(user.email) };
  }
  if (user.must_change_password === 1) {
    return {
      kind: "change_password",
      ticket: passwordChangeTicket(deps, user),
    };
  }
  return { kind: "open" };
}

export type ForcedChangeResult =
  | { ok: true; user: UserRow }
  | { ok: false; reason: "expired" }
  | { ok: false; reason: "weak"; message: Message; username: string };

/** Sets the new password a forced change asks for. */
export async function completeForcedChange(
  deps: Deps,
  ticket: string | null,
  password: string,
  confirm: string,
  ip: string | null,
): Promise<ForcedChangeResult> {
  const holder = await ticketHolder(deps, ticket);
  if (!holder) return { ok: false, reason: "expired" };
  const problem = password !== confirm
    ? message("password.mismatch")
    : passwordProblem(password, holder.username) ??
      (await verifyPassword(holder.password_hash, password)
        ? message("password.same_as_current")
        : null);
  if (problem) {
    return {
      ok: false,
      reason: "weak",
      message: problem,
      username: holder.username,
    };
  }
  const user = await setPassword(deps, holder, password, {
    action: "account.password_changed",
    ip,
  });
  if (!user) return { ok: false, reason: "expired" };
  notifyAccountChange(deps, user, "password_changed", ip);
  return { ok: true, user };
}

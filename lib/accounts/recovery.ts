/**
 * "Forgot password": a username or address in, a reset link out by mail,
 * and an answer that is the same whether or not an account matched.
 *
 * - Every request counts against the requesting address's budget (429
 *   past it: that says something about the requester, not the account).
 * - Each matching account has its own budget of reset mails; past it the
 *   request is answered as usual and nothing is sent. An identifier that
 *   matches nothing spends a budget of its own name, so both paths do the
 *   same work.
 * - Only the address's budget is spent before the answer; looking the
 *   identifier up, the account's budget, the token and the mail happen
 *   after it (`Mailer.defer`), so its timing cannot tell either.
 * - The link (lib/accounts/tokens.ts) works once, for 30 minutes; using it
 *   sets the password, ends every session, revokes every token and, since
 *   it proved the address, marks that address verified.
 * @module
 */
import type { UserRow } from "../db/schema.ts";
import { findUserByCanonicalUsername, findUsersByEmail } from "../db/users.ts";
import { findUserByID } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import type { Locale } from "../i18n/locales.ts";
import type { Message } from "../i18n/messages.ts";
import {
  recoveryAccountCounter,
  recoveryCounters,
} from "../security/budget_counters.ts";
import { canonicalUsername } from "../username.ts";
import { sendResetMail } from "./mails.ts";
import { notifyAccountChange, recordAccountEvent } from "./notify.ts";
import { passwordProblem, setPassword } from "./passwords.ts";
import { peekAccountToken, useAccountToken } from "./tokens.ts";

/** Accounts one address may hold that a request mails at most. */
const MAX_ACCOUNTS_PER_ADDRESS = 3;

export type RecoveryRequestResult =
  | { ok: true }
  | { ok: false; reason: "mail_off" }
  | { ok: false; reason: "limited"; retryAfter: number };

/** The accounts an identifier names: by username, else by address. */
async function accountsFor(
  deps: Deps,
  identifier: string,
): Promise<UserRow[]> {
  if (identifier.includes("@")) {
    return await findUsersByEmail(
      deps.db,
      identifier,
      MAX_ACCOUNTS_PER_ADDRESS,
    );
  }
  const user = await findUserByCanonicalUsername(
    deps.db,
    canonicalUsername(identifier),
  );
  return user ? [user] : [];
}

/** A value no account can have: empty, NUL, absurdly long. */
function searchable(identifier: string): boolean {
  return identifier.length > 0 && identifier.length <= 254 &&
    !identifier.includes("\0");
}

/** The per-account part of a request: budgets, tokens, mails. */
async function mailResetLinks(
  deps: Deps,
  identifier: string,
  ip: string | null,
  locale: Locale | undefined,
): Promise<void> {
  const nowMs = deps.now() * 1000;
  const trimmed = identifier.trim();
  const users = searchable(trimmed) ? await accountsFor(deps, trimmed) : [];
  const keys = users.length > 0
    ? users.map((u) => `user:${u.id}`)
    : [`name:${trimmed.toLowerCase().slice(0, 254)}`];
  for (const [i, key] of keys.entries()) {
    const admission = await deps.budgets.begin(
      [recoveryAccountCounter(key)],
      nowMs,
    );
    // Past the account's budget: no mail (the answer went out already).
    if (!admission.ok) continue;
    await admission.attempt.failed();
    const user = users[i];
    if (!user || user.disabled === 1) continue;
    if (await sendResetMail(deps, user, "anonymous", { locale })) {
      await recordAccountEvent(deps.db, user, "account.reset_requested", {
        ip,
        actor: "anonymous",
      }, deps.now());
    }
  }
}

/**
 * Handles one forgot-password request. `ok` is the answer for every
 * identifier, known or not (the page says "if an account matches…").
 * `locale` is the page's language (the mail's, unless the account names
 * its own).
 */
export async function requestPasswordReset(
  deps: Deps,
  identifier: string,
  ip: string | null,
  locale?: Locale,
): Promise<RecoveryRequestResult> {
  if (!deps.mail.enabled) return { ok: false, reason: "mail_off" };
  const nowMs = deps.now() * 1000;
  const perAddress = await deps.budgets.begin(recoveryCounters(ip), nowMs);
  if (!perAddress.ok) {
    return { ok: false, reason: "limited", retryAfter: perAddress.retryAfter };
  }
  // Every request spends the address's budget, whatever it finds.
  await perAddress.attempt.failed();
  // The rest runs after the answer: whether an account matched changes
  // what is done, never what is answered or when.
  deps.mail.defer(
    "reset_password",
    () => mailResetLinks(deps, identifier, ip, locale),
  );
  return { ok: true };
}

/** Whether a reset link is still good (the form is shown only then). */
export async function resetLinkValid(
  deps: Deps,
  token: string | null,
): Promise<boolean> {
  return await peekAccountToken(
    deps.db,
    "reset_password",
    token,
    deps.now(),
  ) !==
    null;
}

export type ResetResult =
  | { ok: true; user: UserRow }
  | { ok: false; reason: "invalid_link" }
  | { ok: false; reason: "weak"; message: Message };

/**
 * Sets a new password through a reset link: the password is checked
 * before the link is used (a typo does not burn it); the link is then used
 * once, atomically.
 */
export async function resetPasswordWithLink(
  deps: Deps,
  token: string | null,
  password: string,
  ip: string | null,
): Promise<ResetResult> {
  const now = deps.now();
  const peeked = await peekAccountToken(deps.db, "reset_password", token, now);
  const owner = peeked?.user_id
    ? await findUserByID(deps.db, peeked.user_id)
    : undefined;
  if (!peeked || !owner) return { ok: false, reason: "invalid_link" };
  const problem = passwordProblem(password, owner.username);
  if (problem) return { ok: false, reason: "weak", message: problem };
  const used = await useAccountToken(deps.db, "reset_password", token, now);
  if (!used) return { ok: false, reason: "invalid_link" };
  const user = await setPassword(deps, owner, password, {
    action: "account.password_reset",
    ip,
    actor: "anonymous",
    verifiedEmail: used.email,
  });
  if (!user) return { ok: false, reason: "invalid_link" };
  notifyAccountChange(deps, user, "password_reset", ip);
  return { ok: true, user };
}

/**
 * The mails that carry a single-use link: email verification, password
 * reset, registration invitation. Each issues its token (lib/accounts/
 * tokens.ts) and queues the mail; the link is `ISSUER` + a fixed path, so
 * nothing in a request can point it elsewhere.
 * @module
 */
import type { DB, UserRow } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import type { Locale } from "../i18n/locales.ts";
import { mailTo } from "./notify.ts";
import { issueAccountToken, TOKEN_LIFETIME } from "./tokens.ts";

export const VERIFY_PATH = "/account/verify";
export const RESET_PATH = "/account/reset";
export const REGISTER_PATH = "/account/register";

/** The link of a token: `ISSUER/path?param=token`. */
export function tokenLink(
  deps: Deps,
  path: string,
  param: string,
  token: string,
): string {
  return `${deps.config.issuer}${path}?${param}=${encodeURIComponent(token)}`;
}

/** Where a link mail is written: the caller's transaction, the page's language. */
export interface LinkMailOptions {
  db?: DB;
  /** The language of the page that asked for the mail. */
  locale?: Locale;
}

/**
 * Mails `user` a link confirming their current address. False when mail is
 * off or the account has no address. `db` may be the caller's transaction.
 */
export async function sendVerificationMail(
  deps: Deps,
  user: UserRow,
  createdBy: string,
  options: LinkMailOptions = {},
): Promise<boolean> {
  if (!deps.mail.enabled || !user.email) return false;
  const { token } = await issueAccountToken(options.db ?? deps.db, {
    purpose: "verify_email",
    userID: user.id,
    email: user.email,
    createdBy,
  }, deps.now());
  return mailTo(deps, user, user.email, "verify_email", {
    values: {
      email: user.email,
      hours: String(TOKEN_LIFETIME.verify_email / 3600),
    },
    link: tokenLink(deps, VERIFY_PATH, "token", token),
    locale: options.locale,
  });
}

/** Mails `user` a password reset link (30 minutes, single use). */
export async function sendResetMail(
  deps: Deps,
  user: UserRow,
  createdBy: string,
  options: LinkMailOptions = {},
): Promise<boolean> {
  if (!deps.mail.enabled || !user.email) return false;
  const { token } = await issueAccountToken(deps.db, {
    purpose: "reset_password",
    userID: user.id,
    email: user.email,
    createdBy,
  }, deps.now());
  return mailTo(deps, user, user.email, "reset_password", {
    values: { minutes: String(TOKEN_LIFETIME.reset_password / 60) },
    link: tokenLink(deps, RESET_PATH, "token", token),
    locale: options.locale,
  });
}

/** Mails an invitation link to `email`. */
export function sendInviteMail(
  deps: Deps,
  email: string,
  token: string,
  expiresAt: number,
): boolean {
  return mailTo(deps, { username: "", claims: "{}" }, email, "invite", {
    values: {
      expires: new Date(expiresAt * 1000).toISOString().slice(0, 10),
    },
    link: tokenLink(deps, REGISTER_PATH, "invite", token),
  });
}

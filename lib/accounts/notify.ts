/**
 * What every self-service change leaves behind: an audit event (actor
 * `user:<canonical name>`, target the account) and, when mail is
 * configured and the account's address is verified, a notification mail
 * naming the change, when and from where. Unverified addresses get no
 * notices: a mistyped or borrowed address should not receive someone
 * else's account news.
 * @module
 */
import { insertAuditEvent } from "../db/audit_events.ts";
import type { DB, UserRow } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import type { Locale } from "../i18n/locales.ts";
import { translate } from "../i18n/messages.ts";
import {
  type AccountChange,
  mailLocale,
  type MailTemplate,
  renderMail,
} from "../mail/templates.ts";

/** The account page links in mails point at. */
export const ACCOUNT_PATH = "/account";

/** The audit actor of a person acting on their own account. */
export function accountActor(user: UserRow): string {
  return `user:${user.username_canonical.slice(0, 100)}`;
}

/** One audit event about `user`'s account (pass the change's transaction). */
export async function recordAccountEvent(
  db: DB,
  user: UserRow,
  action: string,
  options: {
    ip: string | null;
    detail?: Record<string, unknown>;
    /** Who acted, when not the account's owner (an admin, `anonymous`). */
    actor?: string;
  },
  now: number,
): Promise<void> {
  await insertAuditEvent(db, {
    actor: options.actor ?? accountActor(user),
    action,
    targetType: "account",
    targetID: user.id,
    ip: options.ip,
    detail: options.detail,
  }, now);
}

/** The user's extra claims, for the mail's locale. */
function claimsOf(user: UserRow): Record<string, unknown> {
  try {
    return JSON.parse(user.claims) ?? {};
  } catch {
    return {};
  }
}

/** Epoch seconds as `2026-01-02 03:04 UTC`. */
function formatTime(epoch: number): string {
  return new Date(epoch * 1000).toISOString().slice(0, 16).replace("T", " ") +
    " UTC";
}

/** What a mail says besides its template. */
export interface MailContent {
  values: Record<string, string>;
  /** The action's URL. */
  link?: string;
  /**
   * The language of the page that caused the mail (a forgot-password or
   * registration form), used when the account's `locale` claim names none
   * we have.
   */
  locale?: Locale;
}

/**
 * The language of a mail to `user`: their `locale` claim, else the
 * requesting page's, else DEFAULT_LOCALE.
 */
export function mailLocaleFor(
  deps: Deps,
  user: Pick<UserRow, "claims">,
  pageLocale?: Locale,
): Locale {
  return mailLocale(
    claimsOf(user as UserRow).locale,
    pageLocale ?? deps.config.defaultLocale,
  );
}

/**
 * Queues a templated mail to `to` for `user` (see `mailLocaleFor`).
 * Returns false when mail is off.
 */
export function mailTo(
  deps: Deps,
  user: Pick<UserRow, "username" | "claims">,
  to: string,
  template: MailTemplate,
  content: MailContent,
): boolean {
  if (!deps.mail.enabled) return false;
  const rendered = renderMail(
    template,
    mailLocaleFor(deps, user, content.locale),
    { username: user.username, issuer: deps.config.issuer, ...content.values },
    content.link,
  );
  deps.mail.send({ kind: template, to, ...rendered });
  return true;
}

/**
 * Tells the account's owner about a change by mail (verified address
 * only; nothing when mail is off). `to` overrides the address (the old
 * one, after an email change).
 */
export function notifyAccountChange(
  deps: Deps,
  user: UserRow,
  change: AccountChange,
  ip: string | null,
  options: { to?: string } = {},
): void {
  const to = options.to ??
    (user.email_verified === 1 && user.email ? user.email : null);
  if (!to) return;
  mailTo(deps, user, to, "account_changed", {
    values: {
      change,
      when: formatTime(deps.now()),
      address: ip ??
        translate(mailLocaleFor(deps, user), "mail.unknown_address"),
    },
    link: `${deps.config.issuer}${ACCOUNT_PATH}`,
  });
}

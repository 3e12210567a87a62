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

/**
 * Queues a templated mail to `to` for `user` (in the user's locale).
 * Returns false when mail is off.
 */
export function mailTo(
  deps: Deps,
  user: Pick<UserRow, "username" | "claims">,
  to: string,
  template: MailTemplate,
  values: Record<string, string>,
  link?: string,
): boolean {
  if (!deps.mail.enabled) return false;
  const rendered = renderMail(
    template,
    mailLocale(claimsOf(user as UserRow).locale),
    { username: user.username, issuer: deps.config.issuer, ...values },
    link,
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
    change,
    when: formatTime(deps.now()),
    address: ip ?? "an unknown address",
  }, `${deps.config.issuer}${ACCOUNT_PATH}`);
}

/**
 * The mails the server sends, as plain text and HTML built from the same
 * parts. Each template is a layout of message keys (`MAIL_TEMPLATES`); the
 * sentences are in the language catalogues (lib/i18n/en.ts, de.ts, …,
 * under `mail.`), so a mail speaks every language the pages do. Values are
 * substituted by name (`{username}`) and escaped for the HTML part; links
 * appear in both parts.
 * @module
 */
import { type Locale, localeOf, LOCALES } from "../i18n/locales.ts";
import { CATALOGUES, fill, type MessageKey } from "../i18n/messages.ts";

/** The locales mails are written in: every language of the pages. */
export const MAIL_LOCALES: readonly Locale[] = LOCALES;
export type MailLocale = Locale;

/** Account changes a notification mail can name. */
export type AccountChange =
  | "password_changed"
  | "password_reset"
  | "profile_updated"
  | "email_changed"
  | "email_verified"
  | "session_ended"
  | "app_revoked";

/** One mail's layout: `{name}` in its sentences marks a value. */
interface MailLayout {
  subject: MessageKey;
  /** Paragraphs before the action link. */
  lines: MessageKey[];
  /** The action's label (the link itself is a value). */
  action?: MessageKey;
  /** Paragraphs after it. */
  after: MessageKey[];
}

export const MAIL_TEMPLATES = {
  verify_email: {
    subject: "mail.verify_email.subject",
    lines: ["mail.hello", "mail.verify_email.body"],
    action: "mail.verify_email.action",
    after: ["mail.verify_email.expiry", "mail.ignore"],
  },
  reset_password: {
    subject: "mail.reset_password.subject",
    lines: ["mail.hello", "mail.reset_password.body"],
    action: "mail.reset_password.action",
    after: ["mail.reset_password.expiry", "mail.reset_password.ignore"],
  },
  invite: {
    subject: "mail.invite.subject",
    lines: ["mail.hello_anyone", "mail.invite.body"],
    action: "mail.invite.action",
    after: ["mail.invite.expiry"],
  },
  account_changed: {
    subject: "mail.account_changed.subject",
    lines: ["mail.hello", "mail.account_changed.body"],
    action: "mail.account_changed.action",
    after: ["mail.account_changed.not_you"],
  },
} as const satisfies Record<string, MailLayout>;

export type MailTemplate = keyof typeof MAIL_TEMPLATES;

/** What each account change is called in a notice. */
const CHANGES: Record<AccountChange, MessageKey> = {
  password_changed: "mail.change.password_changed",
  password_reset: "mail.change.password_reset",
  profile_updated: "mail.change.profile_updated",
  email_changed: "mail.change.email_changed",
  email_verified: "mail.change.email_verified",
  session_ended: "mail.change.session_ended",
  app_revoked: "mail.change.app_revoked",
};

/** A rendered mail, ready for the transport. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

function escapeHTML(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/**
 * The mail locale for a user's `locale` claim (`de-CH` → `de`), else
 * `fallback` (the language of the page that caused the mail, or the
 * server's DEFAULT_LOCALE).
 */
export function mailLocale(claim: unknown, fallback: Locale = "en"): Locale {
  return (typeof claim === "string" ? localeOf(claim) : null) ?? fallback;
}

/**
 * Renders a mail. `link` is the action's URL (shown in both parts);
 * `values.change` names an AccountChange for `account_changed`.
 *
 * @example
 * renderMail("reset_password", "en", { username: "alice", issuer, minutes: "30" }, link);
 */
export function renderMail(
  template: MailTemplate,
  locale: Locale,
  values: Record<string, string>,
  link?: string,
): RenderedMail {
  const catalogue = CATALOGUES[locale];
  const layout: MailLayout = MAIL_TEMPLATES[template];
  const all = { ...values };
  if (template === "account_changed" && Object.hasOwn(CHANGES, values.change)) {
    all.change = catalogue[CHANGES[values.change as AccountChange]];
  }
  const escaped = Object.fromEntries(
    Object.entries(all).map(([k, v]) => [k, escapeHTML(v)]),
  );
  const plain = (key: MessageKey) => fill(catalogue[key], all);
  const html = (key: MessageKey) => fill(escapeHTML(catalogue[key]), escaped);
  const footer: MessageKey = "mail.footer";
  const textParts = [
    ...layout.lines.map(plain),
    ...(layout.action && link ? [`${plain(layout.action)}:\n${link}`] : []),
    ...layout.after.map(plain),
    `-- \n${plain(footer)}`,
  ];
  const htmlParts = [
    ...layout.lines.map((l) => `<p>${html(l)}</p>`),
    ...(layout.action && link
      ? [
        `<p><a href="${escapeHTML(link)}">${
          html(layout.action)
        }</a></p><p style="color:#555;font-size:90%">${escapeHTML(link)}</p>`,
      ]
      : []),
    ...layout.after.map((l) => `<p>${html(l)}</p>`),
    `<p style="color:#555;font-size:90%">${html(footer)}</p>`,
  ];
  return {
    subject: plain(layout.subject).replace(/[\r\n]+/g, " "),
    text: textParts.join("\n\n") + "\n",
    html: `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8">` +
      `<title>${html(layout.subject)}</title></head><body>` +
      htmlParts.join("") + `</body></html>`,
  };
}

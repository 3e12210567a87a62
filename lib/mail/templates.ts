/**
 * The mails the server sends, as plain text and HTML built from the same
 * parts, with every sentence in a catalog keyed by locale so a translation
 * is one more entry (`MAIL_CATALOG`). Values are substituted by name
 * (`{username}`) and escaped for the HTML part; links appear in both parts.
 * @module
 */

/** The locales the catalog has; a user's `locale` claim picks one. */
export const MAIL_LOCALES = ["en"] as const;
export type MailLocale = (typeof MAIL_LOCALES)[number];

/** Account changes a notification mail can name. */
export type AccountChange =
  | "password_changed"
  | "password_reset"
  | "profile_updated"
  | "email_changed"
  | "email_verified"
  | "session_ended"
  | "app_revoked";

/** One mail's sentences: `{name}` marks a value. */
interface MailText {
  subject: string;
  /** Paragraphs before the action link. */
  lines: string[];
  /** The action's label (the link itself is a value). */
  action?: string;
  /** Paragraphs after it. */
  after: string[];
}

interface Catalog {
  verify_email: MailText;
  reset_password: MailText;
  invite: MailText;
  account_changed: MailText;
  changes: Record<AccountChange, string>;
  /** The sign-off under every mail. */
  footer: string;
}

export const MAIL_CATALOG: Record<MailLocale, Catalog> = {
  en: {
    verify_email: {
      subject: "Confirm your email address",
      lines: [
        "Hello {username},",
        "please confirm that {email} is your address for your account at {issuer}.",
      ],
      action: "Confirm my email address",
      after: [
        "The link works once and expires in {hours} hours.",
        "If you did not ask for this, you can ignore this mail.",
      ],
    },
    reset_password: {
      subject: "Reset your password",
      lines: [
        "Hello {username},",
        "someone asked to reset the password of your account at {issuer}. To choose a new password, open this link:",
      ],
      action: "Choose a new password",
      after: [
        "The link works once and expires in {minutes} minutes.",
        "If you did not ask for this, you can ignore this mail: your password stays as it is.",
      ],
    },
    invite: {
      subject: "You are invited to create an account",
      lines: [
        "Hello,",
        "you are invited to create an account at {issuer}.",
      ],
      action: "Create my account",
      after: ["The invitation works once and expires on {expires}."],
    },
    account_changed: {
      subject: "Your account: {change}",
      lines: [
        "Hello {username},",
        "{change} on your account at {issuer} ({when}, from {address}).",
      ],
      action: "Review your account",
      after: [
        "If this was not you, reset your password now and tell your administrator.",
      ],
    },
    changes: {
      password_changed: "Your password was changed",
      password_reset: "Your password was reset",
      profile_updated: "Your profile was updated",
      email_changed: "Your email address was changed",
      email_verified: "Your email address was confirmed",
      session_ended: "A signed-in session was ended",
      app_revoked: "An app's access was removed",
    },
    footer: "This mail was sent by {issuer}.",
  },
};

export type MailTemplate = Exclude<keyof Catalog, "changes" | "footer">;

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

/** `{name}` replaced by its value (unknown names stay as written). */
function fill(
  text: string,
  values: Record<string, string>,
  escape: (s: string) => string,
): string {
  return text.replace(
    /\{([a-z_]+)\}/g,
    (whole, name: string) =>
      Object.hasOwn(values, name) ? escape(values[name]) : whole,
  );
}

/** The catalog locale for a user's `locale` claim (`de-CH` → `de`), else English. */
export function mailLocale(claim: unknown): MailLocale {
  if (typeof claim !== "string") return "en";
  const wanted = claim.toLowerCase().split(/[-_]/)[0];
  return (MAIL_LOCALES as readonly string[]).includes(wanted)
    ? wanted as MailLocale
    : "en";
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
  locale: MailLocale,
  values: Record<string, string>,
  link?: string,
): RenderedMail {
  const catalog = MAIL_CATALOG[locale];
  const parts = catalog[template];
  const all = { ...values };
  if (template === "account_changed") {
    all.change = catalog.changes[values.change as AccountChange] ??
      values.change;
  }
  const plain = (t: string) => fill(t, all, (s) => s);
  const html = (t: string) => fill(escapeHTML(t), all, escapeHTML);
  const footer = catalog.footer;
  const textParts = [
    ...parts.lines.map(plain),
    ...(parts.action && link ? [`${plain(parts.action)}:\n${link}`] : []),
    ...parts.after.map(plain),
    `-- \n${plain(footer)}`,
  ];
  const htmlParts = [
    ...parts.lines.map((l) => `<p>${html(l)}</p>`),
    ...(parts.action && link
      ? [
        `<p><a href="${escapeHTML(link)}">${
          html(parts.action)
        }</a></p><p style="color:#555;font-size:90%">${escapeHTML(link)}</p>`,
      ]
      : []),
    ...parts.after.map((l) => `<p>${html(l)}</p>`),
    `<p style="color:#555;font-size:90%">${html(footer)}</p>`,
  ];
  return {
    subject: plain(parts.subject).replace(/[\r\n]+/g, " "),
    text: textParts.join("\n\n") + "\n",
    html: `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8">` +
      `<title>${html(parts.subject)}</title></head><body>` +
      htmlParts.join("") + `</body></html>`,
  };
}

/**
 * The plumbing every /account page shares: who is signed in (the user
 * session of /authorize; a locked account has none), the way to the
 * account sign-in when nobody is, the CSRF-checked form of a POST, the
 * 303 after it with a notice, and the notices' sentences. Routes render;
 * the decisions are in the other lib/accounts modules.
 * @module
 */
import { getCookie } from "hono/cookie";
import type { AppContext } from "../http/define.ts";
import { HttpError } from "../http/http_error.ts";
import type { MessageKey } from "../i18n/messages.ts";
import { clientIP } from "../http/request.ts";
import {
  currentUserSession,
  type UserSession,
} from "../oauth/authorize/interaction.ts";
import { formBody } from "../oauth/request.ts";
import { verifyCSRF } from "../security/csrf.ts";
import { SESSION_COOKIE, userSessionCookie } from "../security/session.ts";
import { servedOverHTTPS } from "../config.ts";

export const ACCOUNT_LOGIN_PATH = "/account/login";

/** The pages of the account shell, in the order of its navigation. */
export const ACCOUNT_PAGES: readonly (readonly [string, MessageKey])[] = [
  ["/account", "account.nav.profile"],
  ["/account/password", "account.nav.password"],
  ["/account/sessions", "account.nav.sessions"],
  ["/account/apps", "account.nav.apps"],
  ["/account/security", "account.nav.security"],
];

/** One request to an account page, signed in. */
export interface AccountContext {
  current: UserSession;
  ip: string | null;
  userAgent: string | null;
}

/** Where a sign-in may lead afterwards: our own /account pages only. */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/account(\/[a-z_]+)?$/.test(next) ? next : "/account";
}

/** The signed-in person, or null. */
export async function signedInAccount(
  c: AppContext,
): Promise<AccountContext | null> {
  const current = await currentUserSession(
    c.var.deps,
    getCookie(c, SESSION_COOKIE.user),
  );
  return current
    ? {
      current,
      ip: clientIP(c),
      userAgent: c.req.header("User-Agent") ?? null,
    }
    : null;
}

/** 303 to the account sign-in, coming back to `next`. */
export function toAccountSignIn(c: AppContext, next: string): Response {
  return c.redirect(
    `${ACCOUNT_LOGIN_PATH}?next=${encodeURIComponent(safeNext(next))}`,
    303,
  );
}

/**
 * The posted form of an account page, after the CSRF check: urlencoded,
 * as our pages post it (anything else is a 415).
 */
export async function accountForm(c: AppContext): Promise<URLSearchParams> {
  await verifyCSRF(c, c.var.deps.config.issuer);
  const form = await formBody(c.req.raw.clone());
  if (form === null) {
    throw new HttpError(
      415,
      "this page accepts application/x-www-form-urlencoded forms only",
    );
  }
  for (const value of form.values()) {
    // PostgreSQL text cannot hold NUL, and no account value needs one.
    if (value.includes("\0")) return new URLSearchParams();
  }
  return form;
}

/** Sets the user session cookie on the answer `c` will give. */
export function setSessionCookie(c: AppContext, token: string): void {
  c.header(
    "Set-Cookie",
    userSessionCookie(token, servedOverHTTPS(c.var.deps.config)),
    { append: true },
  );
}

/** The sentences a 303 can leave on an account page (`?notice=`). */
export const ACCOUNT_NOTICES: Readonly<Record<string, MessageKey>> = {
  "profile.saved": "account.notice.profile_saved",
  "profile.unchanged": "account.notice.profile_unchanged",
  "profile.verify": "account.notice.profile_verify",
  "email.sent": "account.notice.email_sent",
  "email.not_sent": "account.notice.email_not_sent",
  "password.changed": "account.notice.password_changed",
  "session.ended": "account.notice.session_ended",
  "sessions.ended": "account.notice.sessions_ended",
  "app.revoked": "account.notice.app_revoked",
  "welcome": "account.notice.welcome",
  "signed_out": "account.notice.signed_out",
  "reset": "account.notice.reset",
};

/** The notice a GET carries, if it is one of ours. */
export function noticeOf(c: AppContext): MessageKey | undefined {
  const key = c.req.query("notice");
  return key && Object.hasOwn(ACCOUNT_NOTICES, key)
    ? ACCOUNT_NOTICES[key]
    : undefined;
}

/** 303 to `path` with a notice. */
export function withNotice(
  c: AppContext,
  path: string,
  notice: string,
): Response {
  return c.redirect(`${path}?notice=${encodeURIComponent(notice)}`, 303);
}

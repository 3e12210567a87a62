/**
 * Rendering an account page: the page inside the account shell (signed
 * in) or alone (sign-in, links), with the page's CSRF token. Server-only.
 * @module
 */
import type { ComponentChildren } from "preact";
import type { AccountContext } from "../../lib/accounts/web.ts";
import { noticeOf } from "../../lib/accounts/web.ts";
import type { AppContext } from "../../lib/http/define.ts";
import { pageLocale } from "../../lib/http/page_look.ts";
import { renderPage } from "../../lib/http/render.tsx";
import { type Message, translate } from "../../lib/i18n/messages.ts";
import { csrfToken } from "../../lib/security/csrf.ts";
import { AccountShell } from "./AccountShell.tsx";
import { servedOverHTTPS } from "../../lib/config.ts";

/** The CSRF token of an account page's forms. */
export function accountCSRF(c: AppContext): string {
  return csrfToken(c, servedOverHTTPS(c.var.deps.config));
}

export interface AccountPageOptions {
  /** The page's title, in the page's language. */
  title: Message;
  status?: number;
  headers?: Record<string, string>;
}

/** A signed-in page in the shell (`body` gets the CSRF token). */
export function renderAccountPage(
  c: AppContext,
  account: AccountContext,
  body: (csrf: string) => ComponentChildren,
  options: AccountPageOptions,
): Response {
  const csrf = accountCSRF(c);
  return renderPage(
    c,
    <AccountShell
      path={c.req.path}
      username={account.current.user.username}
      csrf={csrf}
      notice={noticeOf(c)}
    >
      {body(csrf)}
    </AccountShell>,
    {
      ...options,
      title: translate(pageLocale(c), "account.page_title", {
        page: translate(pageLocale(c), options.title.key, options.title.values),
      }),
    },
  );
}

/** A page for someone not signed in. */
export function renderPublicPage(
  c: AppContext,
  body: (csrf: string) => ComponentChildren,
  options: AccountPageOptions,
): Response {
  return renderPage(c, body(accountCSRF(c)), options);
}

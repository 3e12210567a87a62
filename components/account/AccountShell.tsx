/**
 * The frame of every signed-in /account page: the person's name, the
 * account navigation (Security is /account/security, the second-factor
 * page), sign out, and the page's notice. Server-only.
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import { ACCOUNT_PAGES } from "../../lib/accounts/web.ts";
import type { MessageKey } from "../../lib/i18n/messages.ts";
import { useI18n } from "../../lib/i18n/translator.ts";
import { Form } from "../Form.tsx";

export interface AccountShellProps {
  /** The path of this page (marks the navigation). */
  path: string;
  username: string;
  csrf: string;
  notice?: MessageKey;
  children: ComponentChildren;
}

export function AccountShell(props: AccountShellProps): VNode {
  const { t, text, rich } = useI18n();
  return (
    <div class="account">
      <div class="page-head">
        <div>
          <h1>{t("account.title")}</h1>
          <p class="muted">
            {rich("account.signed_in_as", {
              username: <strong>{props.username}</strong>,
            })}
          </p>
        </div>
        <Form action="/account/logout" csrf={props.csrf} class="inline">
          <button type="submit" class="secondary">
            {t("account.sign_out")}
          </button>
        </Form>
      </div>
      <nav class="account-nav" aria-label={t("account.nav")}>
        <ul>
          {ACCOUNT_PAGES.map(([href, label]) => (
            <li key={href}>
              <a
                href={href}
                aria-current={href === props.path ? "page" : undefined}
              >
                {text({ key: label })}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.notice && (
        <p class="notice" role="status">{text({ key: props.notice })}</p>
      )}
      {props.children}
    </div>
  );
}

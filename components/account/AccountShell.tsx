/**
 * The frame of every signed-in /account page: the person's name, the
 * account navigation (Security is /account/security, the second-factor
 * page), sign out, and the page's notice. Server-only.
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import { ACCOUNT_PAGES } from "../../lib/accounts/web.ts";
import { Form } from "../Form.tsx";

export interface AccountShellProps {
  /** The path of this page (marks the navigation). */
  path: string;
  username: string;
  csrf: string;
  notice?: string;
  children: ComponentChildren;
}

export function AccountShell(props: AccountShellProps): VNode {
  return (
    <div class="account">
      <div class="page-head">
        <div>
          <h1>Your account</h1>
          <p class="muted">
            Signed in as <strong>{props.username}</strong>
          </p>
        </div>
        <Form action="/account/logout" csrf={props.csrf} class="inline">
          <button type="submit" class="secondary">Sign out</button>
        </Form>
      </div>
      <nav class="account-nav" aria-label="Account">
        <ul>
          {ACCOUNT_PAGES.map(([href, label]) => (
            <li key={href}>
              <a
                href={href}
                aria-current={href === props.path ? "page" : undefined}
              >
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {props.notice && <p class="notice" role="status">{props.notice}</p>}
      {props.children}
    </div>
  );
}

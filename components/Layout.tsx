import type { VNode } from "preact";
import type { LayoutProps } from "../lib/http/render.tsx";
import { Form } from "./Form.tsx";

const ADMIN_LINKS: [string, string][] = [
  ["/admin/ui", "Dashboard"],
  ["/admin/ui/clients", "Clients"],
  ["/admin/ui/scopes", "Scopes"],
  ["/admin/ui/resources", "APIs"],
  ["/admin/ui/registration", "Registration"],
  ["/admin/ui/users", "Users"],
  ["/admin/ui/accounts", "Accounts"],
  ["/admin/ui/sessions", "Sessions"],
  ["/admin/ui/keys", "Keys"],
  ["/admin/ui/audit", "Audit log"],
  ["/admin/ui/help", "Help"],
];

function isCurrent(href: string, path: string): boolean {
  if (href === "/admin/ui") return path === href || path === `${href}/`;
  return path === href || path.startsWith(`${href}/`);
}

/** The HTML shell of every page. */
export function Layout(
  { title, children, admin, scripts = [], csrf = "", path = "" }: LayoutProps,
): VNode {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>{title}</title>
        {/* No favicon: say so, or every browser asks for /favicon.ico. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/app.css" />
        {scripts.map((src) => <script type="module" src={src} key={src} />)}
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="topbar">
          <a class="brand" href={admin ? "/admin/ui" : "/"}>
            Authorization Server
            {admin && <span class="brand-tag">Admin</span>}
          </a>
          {admin && (
            <nav aria-label="Admin">
              <ul>
                {ADMIN_LINKS.map(([href, label]) => (
                  <li key={href}>
                    <a
                      href={href}
                      aria-current={isCurrent(href, path) ? "page" : undefined}
                    >
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
              <Form action="/admin/logout" csrf={csrf} class="inline logout">
                <button type="submit" class="link">Log out</button>
              </Form>
            </nav>
          )}
        </header>
        <main id="main" tabIndex={-1}>{children}</main>
      </body>
    </html>
  );
}

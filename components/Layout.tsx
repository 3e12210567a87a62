import type { ComponentChildren, VNode } from "preact";
import { Form } from "./Form.tsx";

export interface LayoutProps {
  title: string;
  children: ComponentChildren;
  /** Show the admin navigation. */
  admin?: boolean;
  /** Script URLs to load as modules (the island bundle). */
  scripts?: string[];
  /** CSRF token for the admin navigation's logout form. */
  csrf?: string;
}

const ADMIN_LINKS: [string, string][] = [
  ["/admin/ui", "Dashboard"],
  ["/admin/ui/scopes", "Scopes"],
  ["/admin/ui/clients", "Clients"],
  ["/admin/ui/keys", "Keys"],
];

/** The HTML shell of every page. */
export function Layout(
  { title, children, admin, scripts = [], csrf = "" }: LayoutProps,
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
        <header class="topbar">
          <a class="brand" href={admin ? "/admin/ui" : "/"}>
            Authorization Server
          </a>
          {admin && (
            <nav aria-label="Admin">
              {ADMIN_LINKS.map(([href, label]) => (
                <a href={href} key={href}>{label}</a>
              ))}
              <Form action="/admin/logout" csrf={csrf} class="inline">
                <button type="submit" class="link">Log out</button>
              </Form>
            </nav>
          )}
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}

import type { VNode } from "preact";
import type { LayoutProps } from "../lib/http/render.tsx";
import { useI18n } from "../lib/i18n/translator.ts";
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
  ["/admin/ui/branding", "Branding"],
  ["/admin/ui/audit", "Audit log"],
  ["/admin/ui/help", "Help"],
];

function isCurrent(href: string, path: string): boolean {
  if (href === "/admin/ui") return path === href || path === `${href}/`;
  return path === href || path.startsWith(`${href}/`);
}

/**
 * The HTML shell of every page, in the page's language, with the server's
 * branding: its name in the title and the header, its logo, its accent (a
 * stylesheet of our own origin, lib/branding/assets.ts) and its support
 * link.
 */
export function Layout(
  { title, children, admin, scripts = [], csrf = "", path = "", lang, brand }:
    LayoutProps,
): VNode {
  const { t } = useI18n();
  const name = brand.name ?? t("layout.default_name");
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <title>
          {brand.name && title !== brand.name
            ? `${title} · ${brand.name}`
            : title}
        </title>
        {/* No favicon: say so, or every browser asks for /favicon.ico. */}
        <link rel="icon" href="data:," />
        <link rel="stylesheet" href="/static/app.css" />
        {brand.themeURL && <link rel="stylesheet" href={brand.themeURL} />}
        {scripts.map((src) => <script type="module" src={src} key={src} />)}
      </head>
      <body>
        <a class="skip-link" href="#main">{t("layout.skip")}</a>
        <header class="topbar">
          <a class="brand" href={admin ? "/admin/ui" : "/"}>
            {brand.logoURL && (
              <img class="brand-logo" src={brand.logoURL} alt="" />
            )}
            <span class="brand-name">{name}</span>
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
        {brand.supportURL && !admin && (
          <footer class="site-footer">
            <a href={brand.supportURL}>{t("layout.support")}</a>
          </footer>
        )}
      </body>
    </html>
  );
}

/**
 * Server-side page rendering: a page's VNode inside the page shell
 * (routes/_app.tsx), as a full HTML document, with the island bundle only
 * when the page used an island, in the request's language (a translator in
 * context for the components, `<html lang>`) and with the server's
 * branding. The admin pages stay in English.
 * @module
 */
import type { ComponentChildren, FunctionComponent } from "preact";
import { renderToString } from "preact-render-to-string";
import { type BrandLook, brandLook } from "../branding/assets.ts";
import type { Locale } from "../i18n/locales.ts";
import type { Message } from "../i18n/messages.ts";
import { I18nContext, translator } from "../i18n/translator.ts";
import type { AppContext } from "./define.ts";
import { trackIslands } from "./islands.ts";
import { pageBranding, pageLocale } from "./page_look.ts";

export const ISLAND_BUNDLE_URL = "/static/islands.js";

/** What the page shell (routes/_app.tsx) is rendered with. */
export interface LayoutProps {
  title: string;
  children: ComponentChildren;
  /** Show the admin navigation. */
  admin?: boolean;
  /** Script URLs to load as modules (the island bundle). */
  scripts?: string[];
  /** CSRF token for the admin navigation's logout form. */
  csrf?: string;
  /** The request path, to mark the current admin section. */
  path?: string;
  /** The page's language (`<html lang>`). */
  lang: Locale;
  /** The name, logo, accent and support link to show. */
  brand: BrandLook;
}

let Layout: FunctionComponent<LayoutProps> | null = null;

/** Sets the page shell (from the manifest's routes/_app.tsx). */
export function registerLayout(layout: FunctionComponent<LayoutProps>): void {
  Layout = layout;
}

export interface PageOptions {
  /** The page's title: text, or a message in the page's language. */
  title: string | Message;
  status?: number;
  admin?: boolean;
  /** CSRF token for forms in the layout (admin pages). */
  csrf?: string;
  headers?: Record<string, string>;
}

/**
 * Renders a page to a Response (text/html, no-store) through the context, so
 * cookies set on `c` (CSRF, session) go out with it.
 */
export function renderPage(
  c: AppContext,
  body: ComponentChildren,
  options: PageOptions,
): Response {
  if (!Layout) throw new Error("no page shell: routes/_app.tsx");
  const lang = pageLocale(c);
  const i18n = translator(lang);
  const { result: inner, used } = trackIslands(() =>
    renderToString(
      <I18nContext.Provider value={i18n}>{body}</I18nContext.Provider>,
    )
  );
  const html = renderToString(
    <I18nContext.Provider value={i18n}>
      <Layout
        title={typeof options.title === "string"
          ? options.title
          : i18n.text(options.title)}
        admin={options.admin}
        csrf={options.csrf}
        path={c.req.path}
        scripts={used ? [ISLAND_BUNDLE_URL] : []}
        lang={lang}
        brand={brandLook(pageBranding(c))}
      >
        <div dangerouslySetInnerHTML={{ __html: inner }} />
      </Layout>
    </I18nContext.Provider>,
  );
  // deno-lint-ignore no-explicit-any
  return c.html("<!DOCTYPE html>" + html, (options.status ?? 200) as any, {
    "Cache-Control": "no-store",
    ...options.headers,
  });
}

/**
 * Server-side page rendering: a page's VNode inside the page shell
 * (routes/_app.tsx), as a full HTML document, with the island bundle only
 * when the page used an island.
 * @module
 */
import type { Context } from "hono";
import type { ComponentChildren, FunctionComponent } from "preact";
import { renderToString } from "preact-render-to-string";
import { trackIslands } from "./islands.ts";

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
}

let Layout: FunctionComponent<LayoutProps> | null = null;

/** Sets the page shell (from the manifest's routes/_app.tsx). */
export function registerLayout(layout: FunctionComponent<LayoutProps>): void {
  Layout = layout;
}

export interface PageOptions {
  title: string;
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
  c: Context,
  body: ComponentChildren,
  options: PageOptions,
): Response {
  if (!Layout) throw new Error("no page shell: routes/_app.tsx");
  const { result: inner, used } = trackIslands(() =>
    renderToString(<>{body}</>)
  );
  const html = renderToString(
    <Layout
      title={options.title}
      admin={options.admin}
      csrf={options.csrf}
      path={c.req.path}
      scripts={used ? [ISLAND_BUNDLE_URL] : []}
    >
      <div dangerouslySetInnerHTML={{ __html: inner }} />
    </Layout>,
  );
  // deno-lint-ignore no-explicit-any
  return c.html("<!DOCTYPE html>" + html, (options.status ?? 200) as any, {
    "Cache-Control": "no-store",
    ...options.headers,
  });
}

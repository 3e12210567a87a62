/**
 * Server-side page rendering: a page's VNode inside the Layout, as a full
 * HTML document, with the island bundle only when the page used an island.
 * @module
 */
import type { Context } from "hono";
import type { ComponentChildren } from "preact";
import { renderToString } from "preact-render-to-string";
import { Layout } from "../../components/Layout.tsx";
import { trackIslands } from "./islands.ts";

export const ISLAND_BUNDLE_URL = "/static/islands.js";

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

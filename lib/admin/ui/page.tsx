/**
 * Rendering an admin UI page: the admin layout, the page's CSRF token (for
 * its forms and the islands' `X-CSRF-Token`), and the notice a 303 carried.
 * @module
 */
import type { VNode } from "preact";
import type { AppContext } from "../../http/define.ts";
import { HttpError } from "../../http/http_error.ts";
import { renderPage } from "../../http/render.tsx";
import { csrfToken } from "../../security/csrf.ts";
import { servedOverHTTPS } from "../../config.ts";

/** The CSRF token the page's forms repeat. */
export function adminCSRF(c: AppContext): string {
  return csrfToken(c, servedOverHTTPS(c.var.deps.config));
}

/** A notice from the query of a 303 target (`?notice=scope.saved&subject=x`). */
export interface NoticeRef {
  key: string;
  subject?: string;
}

export function noticeOf(c: AppContext): NoticeRef | undefined {
  const key = c.req.query("notice");
  if (!key) return undefined;
  return { key, subject: c.req.query("subject") };
}

/** Renders `body` as an admin page (status 200 unless a form failed). */
export function adminPage(
  c: AppContext,
  title: string,
  body: VNode,
  options: { status?: number; csrf?: string } = {},
): Response {
  return renderPage(c, body, {
    title: `${title} · Admin`,
    admin: true,
    csrf: options.csrf ?? adminCSRF(c),
    status: options.status,
  });
}

/**
 * The page's path parameter (a client id, a user id). One no object can
 * have (empty, a NUL, absurdly long) is a 404 before any query.
 */
export function pageParam(c: AppContext, name: string): string {
  const value = c.req.param(name) ?? "";
  if (value === "" || value.length > 1000 || value.includes("\0")) {
    throw new HttpError(404, "no such page");
  }
  return value;
}

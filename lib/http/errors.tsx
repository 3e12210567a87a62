/**
 * Error answers: a page for a person in a browser (the app's error page,
 * routes/_error.tsx), JSON `{error, error_description}` for everyone else.
 * One writer for the app's error handler, the not-found handler and the
 * pages of protocol flows.
 * @module
 */
import type { Context } from "hono";
import type { FunctionComponent } from "preact";
import { translate } from "../i18n/messages.ts";
import type { MessageKey } from "../i18n/messages.ts";
import type { OAuthError } from "../oauth/errors.ts";
import { oauthErrorResponse } from "../oauth/response.ts";
import { pageLocale } from "./page_look.ts";
import { renderPage } from "./render.tsx";
import { wantsHTML } from "./request.ts";

export interface ErrorPageProps {
  status: number;
  /** The page's headline, in its language. */
  title: string;
  /** What went wrong in the server's words (English, for whoever debugs it). */
  message: string;
}

/** The headline of an error page by status; others are "Error". */
export const ERROR_TITLES: Readonly<Record<number, MessageKey>> = {
  400: "error.title.400",
  401: "error.title.401",
  403: "error.title.403",
  404: "error.title.404",
  405: "error.title.405",
  410: "error.title.410",
  413: "error.title.413",
  415: "error.title.415",
  429: "error.title.429",
  500: "error.title.500",
  503: "error.title.503",
};

let ErrorPage: FunctionComponent<ErrorPageProps> | null = null;

/** Sets the error page (from the manifest's routes/_error.tsx). */
export function registerErrorPage(
  page: FunctionComponent<ErrorPageProps>,
): void {
  ErrorPage = page;
}

/** An error as a page (browsers) or as JSON (API clients). */
export function errorResponse(
  c: Context,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
  details: Record<string, unknown> = {},
): Response {
  if (wantsHTML(c.req.raw)) {
    if (!ErrorPage) throw new Error("no error page: routes/_error.tsx");
    const title = translate(
      pageLocale(c),
      ERROR_TITLES[status] ?? "error.title.other",
    );
    return renderPage(
      c,
      <ErrorPage status={status} title={title} message={message} />,
      { title, status, headers },
    );
  }
  return new Response(
    JSON.stringify({ error: code, error_description: message, ...details }),
    {
      status,
      headers: {
        "Content-Type": "application/json",
        "Cache-Control": "no-store",
        ...headers,
      },
    },
  );
}

/**
 * An OAuth error: on a page when it must not go back to the client and a
 * person is looking, else its RFC 6749 §5.2 JSON.
 */
export function oauthErrorAnswer(c: Context, err: OAuthError): Response {
  if (!err.redirectable && wantsHTML(c.req.raw)) {
    return errorResponse(c, err.status, err.code, err.description);
  }
  return oauthErrorResponse(err);
}

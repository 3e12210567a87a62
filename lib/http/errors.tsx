/**
 * Error answers: a page for a person in a browser (the app's error page,
 * routes/_error.tsx), JSON `{error, error_description}` for everyone else.
 * One writer for the app's error handler, the not-found handler and the
 * pages of protocol flows.
 * @module
 */
import type { Context } from "hono";
import type { FunctionComponent } from "preact";
import type { OAuthError } from "../oauth/errors.ts";
import { oauthErrorResponse } from "../oauth/response.ts";
import { renderPage } from "./render.tsx";
import { wantsHTML } from "./request.ts";

export interface ErrorPageProps {
  status: number;
  title: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: "Bad request",
  401: "Sign-in required",
  403: "Forbidden",
  404: "Page not found",
  405: "Method not allowed",
  413: "Request too large",
  429: "Too many attempts",
  500: "Something went wrong",
  503: "Service unavailable",
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
    const title = TITLES[status] ?? "Error";
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

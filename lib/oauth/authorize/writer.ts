/**
 * The one writer of /authorize answers. Redirects to the client (RFC 6749
 * §4.1.2, §4.1.2.1) go in the query, or as an auto-submitted form (OAuth
 * 2.0 Form Post Response Mode), always with `iss` (RFC 9207) so clients can
 * detect mix-up attacks; 302 after a GET, 303 after a form POST. Pages
 * (sign-in, second factor, account choice, consent, the account steps:
 * forgot password, registration, a forced password change, notices; error)
 * are rendered by the `pages` the
 * route hands in,
 * with a CSP that lets their form lead to the client. A sign-in's session
 * cookie is set on whatever the answer is.
 * @module
 */
import type { Locale } from "../../i18n/locales.ts";
import { translate } from "../../i18n/messages.ts";
import { contentSecurityPolicy, formActionSource } from "../../security/csp.ts";
import { deviceCookie } from "../../security/device_cookie.ts";
import { userSessionCookie } from "../../security/session.ts";
import type { OAuthError } from "../errors.ts";
import { NO_STORE } from "../response.ts";
import type {
  AccountNoticePage,
  AuthorizeAnswer,
  ChangePasswordPage,
  ConsentPage,
  ForgotPasswordPage,
  LoginPage,
  RegisterPage,
  SecondFactorPage,
  SelectAccountPage,
} from "./outcome.ts";
import type { ResponseTarget } from "./request.ts";
import { servedOverHTTPS } from "../../config.ts";

/** Status and headers a page is rendered with. */
export interface PageInit {
  status: number;
  headers: Record<string, string>;
}

/** How the route renders the pages of the flow. */
export interface AuthorizePages {
  login(page: LoginPage, init: PageInit): Response;
  consent(page: ConsentPage, init: PageInit): Response;
  selectAccount(page: SelectAccountPage, init: PageInit): Response;
  secondFactor(page: SecondFactorPage, init: PageInit): Response;
  forgotPassword(page: ForgotPasswordPage, init: PageInit): Response;
  register(page: RegisterPage, init: PageInit): Response;
  changePassword(page: ChangePasswordPage, init: PageInit): Response;
  accountNotice(page: AccountNoticePage, init: PageInit): Response;
  /** An error with nowhere safe to redirect (a page, or JSON for an API caller). */
  error(error: OAuthError): Response;
}

export interface WriteOptions {
  issuer: string;
  method: "GET" | "POST";
  pages: AuthorizePages;
  /** The language of the form_post page (the request's ui_locales, …). */
  locale: Locale;
}

function escapeHTML(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** The answer at the client's redirect URI, with `state` and `iss`. */
function redirectToClient(
  target: ResponseTarget,
  issuer: string,
  values: Record<string, string>,
  status: 302 | 303,
  locale: Locale,
): Response {
  const params: Record<string, string> = { ...values };
  if (target.state !== null) params.state = target.state;
  params.iss = issuer;
  const headers = {
    "Cache-Control": NO_STORE["Cache-Control"],
    "Referrer-Policy": "no-referrer",
  };
  if (target.responseMode === "form_post") {
    const origin = formActionSource(target.redirectURI);
    const inputs = Object.entries(params).map(([k, v]) =>
      `<input type="hidden" name="${escapeHTML(k)}" value="${escapeHTML(v)}">`
    ).join("");
    const say = (key: Parameters<typeof translate>[1]) =>
      escapeHTML(translate(locale, key));
    const html =
      `<!DOCTYPE html><html lang="${locale}"><head><meta charset="utf-8">` +
      `<title>${
        say("form_post.title")
      }</title><script src="/static/form_post.js" defer></script></head>` +
      `<body><form method="post" action="${escapeHTML(target.redirectURI)}">` +
      `${inputs}<noscript><p>${say("form_post.noscript")}</p>` +
      `<button type="submit">${
        say("form_post.continue")
      }</button></noscript></form></body></html>`;
    return new Response(html, {
      status: 200,
      headers: {
        ...headers,
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": contentSecurityPolicy([origin]),
      },
    });
  }
  const url = new URL(target.redirectURI);
  for (const [k, v] of Object.entries(params)) url.searchParams.append(k, v);
  return new Response(null, {
    status,
    headers: { ...headers, Location: url.toString() },
  });
}

/** A page of the flow may post on to the client's origin (its answer redirects there). */
function pageInit(target: ResponseTarget, status: number): PageInit {
  return {
    status,
    headers: {
      "Content-Security-Policy": contentSecurityPolicy([
        formActionSource(target.redirectURI),
      ]),
    },
  };
}

/** A 429 page says when to come back. */
function withRetryAfter(
  init: PageInit,
  page: { retryAfter?: number },
): PageInit {
  if (page.retryAfter) init.headers["Retry-After"] = String(page.retryAfter);
  return init;
}

/** Writes the answer to one /authorize request. */
export function writeAuthorizeAnswer(
  answer: AuthorizeAnswer,
  options: WriteOptions,
): Response {
  const { outcome } = answer;
  let res: Response;
  switch (outcome.kind) {
    case "redirect":
      res = redirectToClient(
        outcome.target,
        options.issuer,
        outcome.values,
        options.method === "POST" ? 303 : 302,
        options.locale,
      );
      break;
    case "login": {
      const init = pageInit(outcome.request, outcome.status);
      if (outcome.retryAfter) {
        init.headers["Retry-After"] = String(outcome.retryAfter);
      }
      res = options.pages.login(outcome, init);
      break;
    }
    case "second_factor": {
      const init = pageInit(outcome.request, outcome.status);
      if (outcome.retryAfter) {
        init.headers["Retry-After"] = String(outcome.retryAfter);
      }
      res = options.pages.secondFactor(outcome, init);
      break;
    }
    case "consent":
      res = options.pages.consent(outcome, pageInit(outcome.request, 200));
      break;
    case "select_account":
      res = options.pages.selectAccount(
        outcome,
        pageInit(outcome.request, 200),
      );
      break;
    case "forgot_password":
      res = options.pages.forgotPassword(
        outcome,
        withRetryAfter(pageInit(outcome.request, outcome.status), outcome),
      );
      break;
    case "register":
      res = options.pages.register(
        outcome,
        withRetryAfter(pageInit(outcome.request, outcome.status), outcome),
      );
      break;
    case "change_password":
      res = options.pages.changePassword(
        outcome,
        pageInit(outcome.request, outcome.status),
      );
      break;
    case "account_notice":
      res = options.pages.accountNotice(
        outcome,
        pageInit(outcome.request, outcome.status),
      );
      break;
    case "error":
      res = options.pages.error(outcome.error);
      break;
  }
  if (answer.newSession !== null) {
    res.headers.append(
      "Set-Cookie",
      userSessionCookie(
        answer.newSession,
        servedOverHTTPS(options),
      ),
    );
  }
  if (answer.newDevice) {
    res.headers.append(
      "Set-Cookie",
      deviceCookie(answer.newDevice, servedOverHTTPS(options)),
    );
  }
  return res;
}

import { getCookie } from "hono/cookie";
import {
  ConsentForm,
  LoginForm,
  SelectAccountForm,
} from "../components/AuthorizationForms.tsx";
import { SecondFactorForm } from "../components/SecondFactorForm.tsx";
import {
  AccountNoticeForm,
  ChangePasswordForm,
  ForgotPasswordForm,
  RegisterForm,
} from "../components/account/FlowForms.tsx";
import { registrationOpen, servedOverHTTPS } from "../lib/config.ts";
import { type AppContext, define } from "../lib/http/define.ts";
import { oauthErrorAnswer } from "../lib/http/errors.tsx";
import { pageLocale, setUILocales } from "../lib/http/page_look.ts";
import { renderPage } from "../lib/http/render.tsx";
import { message } from "../lib/i18n/messages.ts";
import { clientIP } from "../lib/http/request.ts";
import {
  type AuthorizeInput,
  isInteractionPost,
} from "../lib/oauth/authorize/endpoint.ts";
import {
  type AuthorizePages,
  writeAuthorizeAnswer,
} from "../lib/oauth/authorize/writer.ts";
import { formBody } from "../lib/oauth/request.ts";
import { authorizationEndpoint } from "../lib/provider.ts";
import { csrfToken, verifyCSRF } from "../lib/security/csrf.ts";
import { DEVICE_COOKIE } from "../lib/security/device_cookie.ts";
import { SESSION_COOKIE } from "../lib/security/session.ts";

/** The sign-in, account, consent and error pages of the flow, rendered for `c`. */
function pages(c: AppContext): AuthorizePages {
  const { deps } = c.var;
  const csrf = () => csrfToken(c, servedOverHTTPS(deps.config));
  return {
    login: (page, init) =>
      renderPage(
        c,
        <LoginForm
          request={page.request}
          csrf={csrf()}
          error={page.error}
          username={page.username}
          passkey={page.passkey}
          offers={{
            recovery: deps.mail.enabled,
            registration: registrationOpen(deps.config.registration),
          }}
        />,
        { title: message("sign_in.title"), ...init },
      ),
    secondFactor: (page, init) =>
      renderPage(
        c,
        <SecondFactorForm page={page} csrf={csrf()} />,
        { title: message("second_factor.title"), ...init },
      ),
    forgotPassword: (page, init) =>
      renderPage(
        c,
        <ForgotPasswordForm
          page={page}
          csrf={csrf()}
          available={deps.mail.enabled}
        />,
        { title: message("forgot.title"), ...init },
      ),
    register: (page, init) =>
      renderPage(
        c,
        <RegisterForm
          page={page}
          csrf={csrf()}
          mode={deps.config.registration}
          emailRequired={deps.mail.enabled}
        />,
        { title: message("register.title"), ...init },
      ),
    changePassword: (page, init) =>
      renderPage(c, <ChangePasswordForm page={page} csrf={csrf()} />, {
        title: message("change_password.title"),
        ...init,
      }),
    accountNotice: (page, init) =>
      renderPage(c, <AccountNoticeForm page={page} csrf={csrf()} />, {
        title: page.title,
        ...init,
      }),
    selectAccount: (page, init) =>
      renderPage(
        c,
        <SelectAccountForm
          request={page.request}
          user={page.user}
          csrf={csrf()}
        />,
        { title: message("select_account.title"), ...init },
      ),
    consent: (page, init) =>
      renderPage(
        c,
        <ConsentForm
          request={page.request}
          user={page.user}
          scopes={page.scopes}
          csrf={csrf()}
        />,
        { title: message("consent.title"), ...init },
      ),
    error: (error) => oauthErrorAnswer(c, error),
  };
}

async function authorize(
  c: AppContext,
  method: "GET" | "POST",
  params: URLSearchParams,
): Promise<Response> {
  const { deps } = c.var;
  // OIDC Core §3.1.2.1 ui_locales: the pages of this request speak the
  // first language it names that we have (carried in the forms' hidden
  // fields, so every step keeps it).
  setUILocales(c, params.get("ui_locales"));
  const input: AuthorizeInput = {
    method,
    params,
    sessionCookie: getCookie(c, SESSION_COOKIE.user),
    deviceCookie: getCookie(c, DEVICE_COOKIE),
    ip: clientIP(c),
    userAgent: c.req.header("User-Agent") ?? null,
    requestURL: c.req.url,
    locale: pageLocale(c),
  };
  if (isInteractionPost(input)) await verifyCSRF(c, deps.config.issuer);
  const answer = await authorizationEndpoint(deps, input);
  return writeAuthorizeAnswer(answer, {
    issuer: deps.config.issuer,
    method,
    pages: pages(c),
    locale: pageLocale(c),
  });
}

export const handler = define.handlers({
  GET: (c) => authorize(c, "GET", new URL(c.req.url).searchParams),
  // A clone: verifyCSRF reads the same form body afterwards.
  POST: async (c) =>
    authorize(
      c,
      "POST",
      (await formBody(c.req.raw.clone())) ?? new URLSearchParams(),
    ),
});

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
import { registrationOpen } from "../lib/config.ts";
import { type AppContext, define } from "../lib/http/define.ts";
import { oauthErrorAnswer } from "../lib/http/errors.tsx";
import { renderPage } from "../lib/http/render.tsx";
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
  const csrf = () => csrfToken(c, deps.config.issuer.startsWith("https:"));
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
        { title: "Sign in", ...init },
      ),
    secondFactor: (page, init) =>
      renderPage(
        c,
        <SecondFactorForm page={page} csrf={csrf()} />,
        { title: "Confirm it's you", ...init },
      ),
    forgotPassword: (page, init) =>
      renderPage(
        c,
        <ForgotPasswordForm
          page={page}
          csrf={csrf()}
          available={deps.mail.enabled}
        />,
        { title: "Reset your password", ...init },
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
        { title: "Create an account", ...init },
      ),
    changePassword: (page, init) =>
      renderPage(c, <ChangePasswordForm page={page} csrf={csrf()} />, {
        title: "Choose a new password",
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
        { title: "Choose an account", ...init },
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
        { title: "Allow access?", ...init },
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
  const input: AuthorizeInput = {
    method,
    params,
    sessionCookie: getCookie(c, SESSION_COOKIE.user),
    deviceCookie: getCookie(c, DEVICE_COOKIE),
    ip: clientIP(c),
    userAgent: c.req.header("User-Agent") ?? null,
    requestURL: c.req.url,
  };
  if (isInteractionPost(input)) await verifyCSRF(c, deps.config.issuer);
  const answer = await authorizationEndpoint(deps, input);
  return writeAuthorizeAnswer(answer, {
    issuer: deps.config.issuer,
    method,
    pages: pages(c),
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

import { getCookie } from "hono/cookie";
import {
  AccountNotice,
  RegisterPage,
} from "../../components/account/PublicPages.tsx";
import { renderPublicPage } from "../../components/account/render.tsx";
import type { RegisterFieldValues } from "../../components/account/fields.tsx";
import { liveInvite, register } from "../../lib/accounts/registration.ts";
import { PASSWORD_AMR } from "../../lib/accounts/factors/levels.ts";
import { startSession } from "../../lib/accounts/factors/session_steps.ts";
import {
  accountForm,
  setSessionCookie,
  withNotice,
} from "../../lib/accounts/web.ts";
import { type AppContext, define } from "../../lib/http/define.ts";
import { clientIP } from "../../lib/http/request.ts";
import { SESSION_COOKIE } from "../../lib/security/session.ts";

async function form(
  c: AppContext,
  values: RegisterFieldValues,
  state: {
    status?: number;
    errors?: Record<string, string>;
    retryAfter?: number;
  } = {},
): Promise<Response> {
  const { deps } = c.var;
  const mode = deps.config.registration;
  if (mode === "off") {
    return renderPublicPage(c, () => (
      <AccountNotice
        title="Accounts are made by the administrator"
        message="This server does not let people create accounts. Ask your administrator for one."
        link={{ href: "/account/login", label: "Sign in" }}
      />
    ), { title: "Create an account", status: 404 });
  }
  const invite = mode === "invite"
    ? await liveInvite(deps, values.invite)
    : null;
  return renderPublicPage(c, (csrf) => (
    <RegisterPage
      csrf={csrf}
      values={values}
      errors={state.errors ?? (mode === "invite" && !invite
        ? {
          invite: values.invite
            ? "This invitation is not valid: it was used, has expired or was withdrawn."
            : "",
        }
        : {})}
      invite={mode !== "invite" ? "none" : invite ? "hidden" : "ask"}
      emailRequired={deps.mail.enabled}
      fixedEmail={invite?.email}
    />
  ), {
    title: "Create an account",
    status: state.status,
    headers: state.retryAfter
      ? { "Retry-After": String(state.retryAfter) }
      : {},
  });
}

export const handler = define.handlers({
  GET: (c) => form(c, { invite: c.req.query("invite") }),
  async POST(c) {
    const { deps } = c.var;
    const posted = await accountForm(c);
    const values = {
      username: (posted.get("username") ?? "").slice(0, 200),
      email: (posted.get("email") ?? "").slice(0, 254),
      invite: posted.get("invite") ?? undefined,
    };
    const ip = clientIP(c);
    const result = await register(deps, {
      ...values,
      password: posted.get("password") ?? "",
    }, ip);
    if (!result.ok) return await form(c, values, result);
    if (!result.canSignIn) {
      return renderPublicPage(c, () => (
        <AccountNotice
          title="Check your mail"
          message={`Your account ${result.user.username} is created. We sent a link to ${values.email}: open it to confirm the address, then sign in.`}
          link={{ href: "/account/login", label: "Sign in" }}
        />
      ), { title: "Check your mail" });
    }
    const started = await startSession(
      deps,
      {
        sessionCookie: getCookie(c, SESSION_COOKIE.user),
        ip,
        userAgent: c.req.header("User-Agent") ?? null,
      },
      result.user,
      PASSWORD_AMR,
    );
    setSessionCookie(c, started.token);
    return withNotice(c, "/account", "welcome");
  },
});

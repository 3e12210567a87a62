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
import { pageLocale } from "../../lib/http/page_look.ts";
import { clientIP } from "../../lib/http/request.ts";
import { type Message, message } from "../../lib/i18n/messages.ts";
import { SESSION_COOKIE } from "../../lib/security/session.ts";
import { retryAfterHeaders } from "../../lib/http/http_error.ts";

async function form(
  c: AppContext,
  values: RegisterFieldValues,
  state: {
    status?: number;
    errors?: Record<string, Message>;
    retryAfter?: number;
  } = {},
): Promise<Response> {
  const { deps } = c.var;
  const mode = deps.config.registration;
  if (mode === "off") {
    return renderPublicPage(c, () => (
      <AccountNotice
        title={message("register.off.title")}
        message={message("register.off.ask")}
        link={{ href: "/account/login", label: message("sign_in.title") }}
      />
    ), { title: message("register.title"), status: 404 });
  }
  const invite = mode === "invite"
    ? await liveInvite(deps, values.invite)
    : null;
  return renderPublicPage(c, (csrf) => (
    <RegisterPage
      csrf={csrf}
      values={values}
      errors={state.errors ?? (mode === "invite" && !invite && values.invite
        ? { invite: message("register.invite_invalid") }
        : {})}
      invite={mode !== "invite" ? "none" : invite ? "hidden" : "ask"}
      emailRequired={deps.mail.enabled}
      fixedEmail={invite?.email}
    />
  ), {
    title: message("register.title"),
    status: state.status,
    headers: retryAfterHeaders(state.retryAfter),
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
      locale: pageLocale(c),
    }, ip);
    if (!result.ok) return await form(c, values, result);
    if (!result.canSignIn) {
      return renderPublicPage(c, () => (
        <AccountNotice
          title={message("register.check_mail.title")}
          message={message("register.check_mail", {
            username: result.user.username,
            email: values.email,
          })}
          link={{ href: "/account/login", label: message("sign_in.title") }}
        />
      ), { title: message("register.check_mail.title") });
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

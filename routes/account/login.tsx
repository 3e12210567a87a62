import { getCookie } from "hono/cookie";
import {
  AccountChangePassword,
  AccountNotice,
  AccountSignIn,
} from "../../components/account/PublicPages.tsx";
import { renderPublicPage } from "../../components/account/render.tsx";
import { accountSignIn } from "../../lib/accounts/account_sign_in.ts";
import {
  accountForm,
  noticeOf,
  safeNext,
  setSessionCookie,
} from "../../lib/accounts/web.ts";
import { passkeyOffer } from "../../lib/accounts/webauthn/offer.ts";
import { registrationOpen, servedOverHTTPS } from "../../lib/config.ts";
import { type AppContext, define } from "../../lib/http/define.ts";
import { clientIP } from "../../lib/http/request.ts";
import { type Message, message } from "../../lib/i18n/messages.ts";
import {
  DEVICE_COOKIE,
  deviceCookie,
} from "../../lib/security/device_cookie.ts";
import { SESSION_COOKIE } from "../../lib/security/session.ts";
import { retryAfterHeaders } from "../../lib/http/http_error.ts";

/** The notice a 303 left (signed out, password reset), as a message. */
function notice(c: AppContext): Message | undefined {
  const key = noticeOf(c);
  return key ? { key } : undefined;
}

interface FormState {
  status?: number;
  error?: Message;
  username?: string;
  retryAfter?: number;
}

async function form(
  c: AppContext,
  state: FormState = {},
): Promise<Response> {
  const { deps } = c.var;
  const passkey = await passkeyOffer(deps, c.req.url);
  return renderPublicPage(c, (csrf) => (
    <AccountSignIn
      csrf={csrf}
      next={safeNext(c.req.query("next"))}
      error={state.error}
      notice={state.error ? undefined : notice(c)}
      username={state.username}
      recovery={deps.mail.enabled}
      registration={registrationOpen(deps.config.registration)}
      passkey={passkey}
    />
  ), {
    title: message("account_sign_in.page"),
    status: state.status,
    headers: retryAfterHeaders(state.retryAfter),
  });
}

export const handler = define.handlers({
  GET: (c) => form(c),
  async POST(c) {
    const { deps } = c.var;
    const next = safeNext(c.req.query("next"));
    const result = await accountSignIn(deps, {
      form: await accountForm(c),
      sessionCookie: getCookie(c, SESSION_COOKIE.user),
      deviceCookie: getCookie(c, DEVICE_COOKIE),
      ip: clientIP(c),
      userAgent: c.req.header("User-Agent") ?? null,
    });
    switch (result.kind) {
      case "form":
        return await form(c, result);
      case "notice":
        return renderPublicPage(
          c,
          () => <AccountNotice title={result.title} message={result.message} />,
          { title: result.title, status: result.status },
        );
      case "change_password":
        return renderPublicPage(
          c,
          (csrf) => (
            <AccountChangePassword csrf={csrf} next={next} {...result} />
          ),
          { title: message("change_password.title"), status: result.status },
        );
      case "signed_in":
        setSessionCookie(c, result.token);
        if (result.device) {
          c.header(
            "Set-Cookie",
            deviceCookie(
              result.device,
              servedOverHTTPS(deps.config),
            ),
            { append: true },
          );
        }
        return c.redirect(next, 303);
    }
  },
});

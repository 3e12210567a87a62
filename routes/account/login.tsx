import { getCookie } from "hono/cookie";
import { SecuritySignIn } from "../../components/account/SecuritySignIn.tsx";
import {
  accountSignIn,
  safeNext,
} from "../../lib/accounts/factors/account_sign_in.ts";
import { passkeyOffer } from "../../lib/accounts/webauthn/offer.ts";
import { type AppContext, define } from "../../lib/http/define.ts";
import { renderPage } from "../../lib/http/render.tsx";
import { clientIP } from "../../lib/http/request.ts";
import { formBody } from "../../lib/oauth/request.ts";
import { csrfToken, verifyCSRF } from "../../lib/security/csrf.ts";
import {
  DEVICE_COOKIE,
  deviceCookie,
} from "../../lib/security/device_cookie.ts";
import {
  SESSION_COOKIE,
  userSessionCookie,
} from "../../lib/security/session.ts";

interface FormState {
  status?: number;
  error?: string;
  username?: string;
  retryAfter?: number;
}

async function form(c: AppContext, state: FormState = {}): Promise<Response> {
  const { deps } = c.var;
  return renderPage(
    c,
    <SecuritySignIn
      csrf={csrfToken(c, deps.config.issuer.startsWith("https:"))}
      next={safeNext(c.req.query("next"))}
      error={state.error}
      username={state.username}
      passkey={await passkeyOffer(deps, c.req.url)}
    />,
    {
      title: "Sign in",
      status: state.status,
      headers: state.retryAfter
        ? { "Retry-After": String(state.retryAfter) }
        : {},
    },
  );
}

export const handler = define.handlers({
  GET: (c) => form(c),
  async POST(c) {
    const { deps } = c.var;
    await verifyCSRF(c, deps.config.issuer);
    const result = await accountSignIn(deps, {
      form: (await formBody(c.req.raw.clone())) ?? new URLSearchParams(),
      sessionCookie: getCookie(c, SESSION_COOKIE.user),
      deviceCookie: getCookie(c, DEVICE_COOKIE),
      ip: clientIP(c),
      userAgent: c.req.header("User-Agent") ?? null,
    });
    if (!result.ok) return await form(c, result);
    const secure = deps.config.issuer.startsWith("https:");
    c.header("Set-Cookie", userSessionCookie(result.token, secure), {
      append: true,
    });
    if (result.device) {
      c.header("Set-Cookie", deviceCookie(result.device, secure), {
        append: true,
      });
    }
    return c.redirect(safeNext(c.req.query("next")), 303);
  },
});

import { getCookie } from "hono/cookie";
import { SecurityPage } from "../../components/account/SecurityPage.tsx";
import {
  SECURITY_NOTICES,
  SECURITY_PATH,
  securityAction,
  type SecurityAnswer,
  type SecurityRequest,
  securityView,
} from "../../lib/accounts/factors/account_security.ts";
import { ACCOUNT_LOGIN_PATH } from "../../lib/accounts/factors/account_sign_in.ts";
import { type AppContext, define } from "../../lib/http/define.ts";
import { renderPage } from "../../lib/http/render.tsx";
import { clientIP } from "../../lib/http/request.ts";
import { currentUserSession } from "../../lib/oauth/authorize/interaction.ts";
import { formBody } from "../../lib/oauth/request.ts";
import { csrfToken, verifyCSRF } from "../../lib/security/csrf.ts";
import {
  SESSION_COOKIE,
  userSessionCookie,
} from "../../lib/security/session.ts";

/** The signed-in person, or null (then the page sends them to sign in). */
async function signedIn(c: AppContext): Promise<SecurityRequest | null> {
  const current = await currentUserSession(
    c.var.deps,
    getCookie(c, SESSION_COOKIE.user),
  );
  return current ? { current, ip: clientIP(c), requestURL: c.req.url } : null;
}

function toSignIn(c: AppContext): Response {
  return c.redirect(
    `${ACCOUNT_LOGIN_PATH}?next=${encodeURIComponent(SECURITY_PATH)}`,
    303,
  );
}

function answer(c: AppContext, result: SecurityAnswer): Response {
  const { issuer } = c.var.deps.config;
  const secure = issuer.startsWith("https:");
  if (result.token) {
    c.header("Set-Cookie", userSessionCookie(result.token, secure), {
      append: true,
    });
  }
  if (result.kind === "redirect") {
    return c.redirect(`${SECURITY_PATH}?notice=${result.notice}`, 303);
  }
  return renderPage(
    c,
    <SecurityPage
      view={result.view}
      csrf={csrfToken(c, secure)}
      issuer={issuer}
    />,
    { title: "Sign-in and security", status: result.status },
  );
}

export const handler = define.handlers({
  async GET(c) {
    const req = await signedIn(c);
    if (!req) return toSignIn(c);
    const { deps } = c.var;
    const secure = deps.config.issuer.startsWith("https:");
    const notice = SECURITY_NOTICES[c.req.query("notice") ?? ""];
    return renderPage(
      c,
      <SecurityPage
        view={await securityView(deps, req)}
        csrf={csrfToken(c, secure)}
        notice={notice}
        issuer={deps.config.issuer}
      />,
      { title: "Sign-in and security" },
    );
  },
  async POST(c) {
    const { deps } = c.var;
    await verifyCSRF(c, deps.config.issuer);
    const req = await signedIn(c);
    if (!req) return toSignIn(c);
    const form = (await formBody(c.req.raw.clone())) ?? new URLSearchParams();
    return answer(c, await securityAction(deps, req, form));
  },
});

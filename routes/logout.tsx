import { deleteCookie, getCookie } from "hono/cookie";
import { SignedOut } from "../components/SignedOut.tsx";
import { type AppContext, define } from "../lib/http/define.ts";
import { renderPage } from "../lib/http/render.tsx";
import { logout, readLogoutRequest } from "../lib/oidc/logout.ts";
import { SESSION_COOKIE } from "../lib/security/session.ts";

/**
 * The seed's app-level logout: /end_session, and the user's tokens for the
 * identified client are revoked too.
 */
async function appLogout(c: AppContext): Promise<Response> {
  const { deps } = c.var;
  const request = await readLogoutRequest(c.req.raw);
  const cookie = getCookie(c, SESSION_COOKIE.user);
  const outcome = await logout(deps, request, cookie, { revokeTokens: true });
  if (cookie !== undefined) {
    deleteCookie(c, SESSION_COOKIE.user, {
      path: "/",
      secure: deps.config.issuer.startsWith("https:"),
    });
  }
  c.header("Cache-Control", "no-store");
  if (outcome.redirectTo) return c.redirect(outcome.redirectTo, 303);
  return renderPage(c, <SignedOut />, { title: "Signed out" });
}

export const handler = define.handlers({ GET: appLogout, POST: appLogout });

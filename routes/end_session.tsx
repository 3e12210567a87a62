import { deleteCookie, getCookie } from "hono/cookie";
import { SignedOut } from "../components/SignedOut.tsx";
import { type AppContext, define } from "../lib/http/define.ts";
import { renderPage } from "../lib/http/render.tsx";
import { logout, readLogoutRequest } from "../lib/oidc/logout.ts";
import { SESSION_COOKIE } from "../lib/security/session.ts";

/**
 * RP-Initiated Logout 1.0: end the browser's session, then return to the
 * client's registered URI (303) or say so on a page.
 */
async function endSession(c: AppContext): Promise<Response> {
  const { deps } = c.var;
  const request = await readLogoutRequest(c.req.raw);
  const cookie = getCookie(c, SESSION_COOKIE.user);
  const outcome = await logout(deps, request, cookie);
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

export const handler = define.handlers({ GET: endSession, POST: endSession });

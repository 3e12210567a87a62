import { getCookie } from "hono/cookie";
import { LogoutConfirm, SignedOut } from "../components/LogoutPages.tsx";
import { type AppContext, define, type Handler } from "../lib/http/define.ts";
import { setUILocales } from "../lib/http/page_look.ts";
import { renderPage } from "../lib/http/render.tsx";
import { message } from "../lib/i18n/messages.ts";
import { contentSecurityPolicy } from "../lib/security/csp.ts";
import { logout, readLogoutRequest } from "../lib/oidc/logout.ts";
import { csrfToken, verifyCSRF } from "../lib/security/csrf.ts";
import { clearSessionCookie, SESSION_COOKIE } from "../lib/security/session.ts";
import { servedOverHTTPS } from "../lib/config.ts";

/**
 * RP-Initiated Logout 1.0 at `path`: ask the user when the spec says to, end
 * the browser's session, then return to the client's registered URI (303)
 * or say so on a page. `/logout` also revokes the user's tokens.
 */
export function logoutHandler(
  path: string,
  options: { revokeTokens: boolean },
): Handler {
  return async function logoutEndpoint(c: AppContext): Promise<Response> {
    const { deps } = c.var;
    const secure = servedOverHTTPS(deps.config);
    // A clone: verifyCSRF reads the same form body afterwards.
    const request = await readLogoutRequest(c.req.raw.clone());
    setUILocales(c, request.uiLocales);
    // The confirmation form is ours: its answer must come from our page.
    if (request.confirmed) await verifyCSRF(c, deps.config.issuer);
    const cookie = getCookie(c, SESSION_COOKIE.user);
    const outcome = await logout(deps, request, cookie, options);
    c.header("Cache-Control", "no-store");
    if (outcome.kind === "confirm") {
      return renderPage(
        c,
        <LogoutConfirm
          action={path}
          csrf={csrfToken(c, secure)}
          params={outcome.params}
        />,
        {
          title: message("logout.confirm.title"),
          headers: {
            "Content-Security-Policy": contentSecurityPolicy(
              outcome.redirectOrigin ? [outcome.redirectOrigin] : [],
            ),
          },
        },
      );
    }
    if (cookie !== undefined) {
      clearSessionCookie(c, "user", secure);
    }
    if (outcome.redirectTo) return c.redirect(outcome.redirectTo, 303);
    return renderPage(c, <SignedOut />, {
      title: message("logout.signed_out.page"),
    });
  };
}

const endSession = logoutHandler("/end_session", { revokeTokens: false });

export const handler = define.handlers({ GET: endSession, POST: endSession });

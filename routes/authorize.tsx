import { getCookie, setCookie } from "hono/cookie";
import { ConsentForm, LoginForm } from "../components/AuthorizationForms.tsx";
import { type AppContext, define } from "../lib/http/define.ts";
import { renderPage } from "../lib/http/render.tsx";
import { clientIP } from "../lib/http/request.ts";
import { contentSecurityPolicy } from "../lib/http/security_headers.ts";
import {
  authorizationEndpoint,
  type AuthorizeInput,
  isInteractionPost,
} from "../lib/oauth/authorization_endpoint.ts";
import { csrfToken, verifyCSRF } from "../lib/security/csrf.ts";
import { SESSION_COOKIE, SESSION_LIFETIME } from "../lib/security/session.ts";

async function handle(c: AppContext, input: AuthorizeInput): Promise<Response> {
  const { deps } = c.var;
  const secure = deps.config.issuer.startsWith("https:");
  if (isInteractionPost(input)) await verifyCSRF(c, deps.config.issuer);
  const result = await authorizationEndpoint(deps, input);
  if (result.kind !== "login" && result.setSession) {
    setCookie(c, SESSION_COOKIE.user, result.setSession, {
      httpOnly: true,
      sameSite: "Lax",
      secure,
      path: "/",
      maxAge: SESSION_LIFETIME.user,
    });
  }
  if (result.kind === "response") {
    for (const [k, v] of c.res.headers) {
      if (k === "set-cookie") result.response.headers.append(k, v);
    }
    return result.response;
  }
  // The form's answer may redirect to the client: allow it as a form target.
  const headers: Record<string, string> = {
    "Content-Security-Policy": contentSecurityPolicy([
      new URL(result.request.redirectURI).origin,
    ]),
  };
  const csrf = csrfToken(c, secure);
  if (result.kind === "login") {
    if (result.retryAfter) headers["Retry-After"] = String(result.retryAfter);
    return renderPage(
      c,
      <LoginForm
        request={result.request}
        csrf={csrf}
        error={result.error}
        username={result.username}
      />,
      { title: "Sign in", status: result.status, headers },
    );
  }
  return renderPage(
    c,
    <ConsentForm
      request={result.request}
      user={result.user}
      scopes={result.scopes}
      csrf={csrf}
    />,
    { title: "Allow access?", headers },
  );
}

function baseInput(
  c: AppContext,
  params: URLSearchParams,
  method: "GET" | "POST",
): AuthorizeInput {
  return {
    method,
    params,
    sessionCookie: getCookie(c, SESSION_COOKIE.user),
    ip: clientIP(c),
    userAgent: c.req.header("User-Agent") ?? null,
  };
}

export const handler = define.handlers({
  GET: (c) => handle(c, baseInput(c, new URL(c.req.url).searchParams, "GET")),
  async POST(c) {
    const type = c.req.header("Content-Type") ?? "";
    const params = type.startsWith("application/x-www-form-urlencoded")
      ? new URLSearchParams(await c.req.text())
      : new URLSearchParams();
    return handle(c, baseInput(c, params, "POST"));
  },
});

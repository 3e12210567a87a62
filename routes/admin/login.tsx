import { setCookie } from "hono/cookie";
import { Form } from "../../components/Form.tsx";
import { adminLogin } from "../../lib/admin/admin_login.ts";
import { define } from "../../lib/http/define.ts";
import { renderPage } from "../../lib/http/render.tsx";
import { clientIP } from "../../lib/http/request.ts";
import { csrfToken, verifyCSRF } from "../../lib/security/csrf.ts";
import {
  SESSION_COOKIE,
  SESSION_LIFETIME,
} from "../../lib/security/session.ts";
import { servedOverHTTPS } from "../../lib/config.ts";
import { retryAfterHeaders } from "../../lib/http/http_error.ts";

function LoginPage({ csrf, error }: { csrf: string; error?: string }) {
  return (
    <section class="card narrow">
      <h1>Admin sign-in</h1>
      {error && <p class="error" role="alert">{error}</p>}
      <Form action="/admin/login" csrf={csrf}>
        <label for="token">Admin token</label>
        <input
          id="token"
          name="token"
          type="password"
          autocomplete="current-password"
          required
          autofocus
        />
        <button type="submit">Sign in</button>
      </Form>
    </section>
  );
}

export const handler = define.handlers({
  GET(c) {
    const secure = servedOverHTTPS(c.var.deps.config);
    return renderPage(c, <LoginPage csrf={csrfToken(c, secure)} />, {
      title: "Admin sign-in",
    });
  },
  async POST(c) {
    const deps = c.var.deps;
    const secure = servedOverHTTPS(deps.config);
    await verifyCSRF(c, deps.config.issuer);
    const body = await c.req.parseBody();
    const result = await adminLogin(deps, {
      token: typeof body.token === "string" ? body.token : "",
      ip: clientIP(c),
      userAgent: c.req.header("User-Agent") ?? null,
    });
    if (!result.ok) {
      return renderPage(
        c,
        <LoginPage csrf={csrfToken(c, secure)} error={result.error} />,
        {
          title: "Admin sign-in",
          status: result.status,
          headers: retryAfterHeaders(result.retryAfter),
        },
      );
    }
    setCookie(c, SESSION_COOKIE.admin, result.cookie, {
      httpOnly: true,
      sameSite: "Lax",
      secure,
      path: "/",
      maxAge: SESSION_LIFETIME.admin,
    });
    return c.redirect("/admin/ui", 303);
  },
});

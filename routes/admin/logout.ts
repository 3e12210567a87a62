import { getCookie } from "hono/cookie";
import { adminLogout } from "../../lib/admin/admin_login.ts";
import { define } from "../../lib/http/define.ts";
import {
  clearSessionCookie,
  SESSION_COOKIE,
} from "../../lib/security/session.ts";
import { servedOverHTTPS } from "../../lib/config.ts";

export const handler = define.handlers({
  async POST(c) {
    await adminLogout(c.var.deps, getCookie(c, SESSION_COOKIE.admin));
    clearSessionCookie(
      c,
      "admin",
      servedOverHTTPS(c.var.deps.config),
    );
    return c.redirect("/admin/login", 303);
  },
});

import { deleteCookie, getCookie } from "hono/cookie";
import { adminLogout } from "../../lib/admin/admin_login.ts";
import { define } from "../../lib/http/define.ts";
import { SESSION_COOKIE } from "../../lib/security/session.ts";

export const handler = define.handlers({
  async POST(c) {
    await adminLogout(c.var.deps, getCookie(c, SESSION_COOKIE.admin));
    deleteCookie(c, SESSION_COOKIE.admin, { path: "/" });
    return c.redirect("/admin/login", 303);
  },
});

import { adminJSON } from "../../../lib/admin/admin_http.ts";
import { listSessionViews } from "../../../lib/admin/sessions_admin.ts";
import { define } from "../../../lib/http/define.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await listSessionViews(c.var.deps, c.req.query()));
  },
});

import { adminJSON } from "../../lib/admin/admin_http.ts";
import { listAudit } from "../../lib/admin/audit_admin.ts";
import { define } from "../../lib/http/define.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await listAudit(c.var.deps.db, c.req.query()));
  },
});

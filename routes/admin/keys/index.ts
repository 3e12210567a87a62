import { adminJSON } from "../../../lib/admin/admin_http.ts";
import { listKeyViews } from "../../../lib/admin/keys_admin.ts";
import { define } from "../../../lib/http/define.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await listKeyViews(c.var.deps));
  },
});

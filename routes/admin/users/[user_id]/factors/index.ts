import { adminJSON, pathParam } from "../../../../../lib/admin/admin_http.ts";
import { getFactorsView } from "../../../../../lib/admin/factors_admin.ts";
import { define } from "../../../../../lib/http/define.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(
      c,
      await getFactorsView(c.var.deps, pathParam(c, "user_id", "user")),
    );
  },
});

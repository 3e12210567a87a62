import {
  adminActor,
  adminJSON,
  noContent,
  pathParam,
} from "../../../lib/admin/admin_http.ts";
import { getScopeView, removeScope } from "../../../lib/admin/scopes_admin.ts";
import { define } from "../../../lib/http/define.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(
      c,
      await getScopeView(c.var.deps, pathParam(c, "name", "scope")),
    );
  },
  async DELETE(c) {
    await removeScope(c.var.deps, adminActor(c), pathParam(c, "name", "scope"));
    return noContent(c);
  },
});

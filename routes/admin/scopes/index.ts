import { adminActor, adminJSON } from "../../../lib/admin/admin_http.ts";
import { listScopeViews, saveScope } from "../../../lib/admin/scopes_admin.ts";
import { define } from "../../../lib/http/define.ts";
import { readJSON } from "../../../lib/http/json_body.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await listScopeViews(c.var.deps));
  },
  async POST(c) {
    const body = await readJSON(c.req.raw);
    const { scope, created } = await saveScope(
      c.var.deps,
      adminActor(c),
      body,
    );
    return adminJSON(c, scope, created ? 201 : 200);
  },
});

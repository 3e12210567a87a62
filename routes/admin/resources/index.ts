import { adminActor, adminJSON } from "../../../lib/admin/admin_http.ts";
import {
  createResource,
  listResourceViews,
} from "../../../lib/admin/resources_admin.ts";
import { define } from "../../../lib/http/define.ts";
import { readJSON } from "../../../lib/http/json_body.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await listResourceViews(c.var.deps));
  },
  async POST(c) {
    const body = await readJSON(c.req.raw);
    return adminJSON(
      c,
      await createResource(c.var.deps, adminActor(c), body),
      201,
    );
  },
});

import {
  adminActor,
  adminJSON,
  pathParam,
} from "../../../../lib/admin/admin_http.ts";
import { getPolicy, savePolicy } from "../../../../lib/admin/policies_admin.ts";
import { define } from "../../../../lib/http/define.ts";
import { readJSON } from "../../../../lib/http/json_body.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(
      c,
      await getPolicy(c.var.deps, pathParam(c, "client_id", "client")),
    );
  },
  async POST(c) {
    const body = await readJSON(c.req.raw);
    return adminJSON(
      c,
      await savePolicy(
        c.var.deps,
        adminActor(c),
        pathParam(c, "client_id", "client"),
        body,
      ),
    );
  },
});

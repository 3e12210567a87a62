import {
  adminActor,
  adminJSON,
  pathParam,
} from "../../../../lib/admin/admin_http.ts";
import { resetPassword } from "../../../../lib/admin/users_admin.ts";
import { define } from "../../../../lib/http/define.ts";
import { readJSON } from "../../../../lib/http/json_body.ts";

export const handler = define.handlers({
  async POST(c) {
    const body = await readJSON(c.req.raw);
    return adminJSON(
      c,
      await resetPassword(
        c.var.deps,
        adminActor(c),
        pathParam(c, "user_id", "user"),
        body,
      ),
    );
  },
});

import {
  adminActor,
  adminJSON,
  noContent,
  pathParam,
} from "../../../../lib/admin/admin_http.ts";
import {
  getUserView,
  removeUser,
  updateUserAccount,
} from "../../../../lib/admin/users_admin.ts";
import { define } from "../../../../lib/http/define.ts";
import { readJSON } from "../../../../lib/http/json_body.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(
      c,
      await getUserView(c.var.deps, pathParam(c, "user_id", "user")),
    );
  },
  async PATCH(c) {
    const body = await readJSON(c.req.raw);
    return adminJSON(
      c,
      await updateUserAccount(
        c.var.deps,
        adminActor(c),
        pathParam(c, "user_id", "user"),
        body,
      ),
    );
  },
  async DELETE(c) {
    await removeUser(
      c.var.deps,
      adminActor(c),
      pathParam(c, "user_id", "user"),
    );
    return noContent(c);
  },
});

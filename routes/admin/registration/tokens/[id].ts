import {
  adminActor,
  noContent,
  pathParam,
} from "../../../../lib/admin/admin_http.ts";
import { revokeInitialAccessToken } from "../../../../lib/admin/registration_admin.ts";
import { define } from "../../../../lib/http/define.ts";

export const handler = define.handlers({
  async DELETE(c) {
    await revokeInitialAccessToken(
      c.var.deps,
      adminActor(c),
      pathParam(c, "id", "initial access token"),
    );
    return noContent(c);
  },
});

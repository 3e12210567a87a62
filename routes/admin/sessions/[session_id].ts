import {
  adminActor,
  noContent,
  pathParam,
} from "../../../lib/admin/admin_http.ts";
import { endUserSession } from "../../../lib/admin/sessions_admin.ts";
import { define } from "../../../lib/http/define.ts";

export const handler = define.handlers({
  async DELETE(c) {
    await endUserSession(
      c.var.deps,
      adminActor(c),
      pathParam(c, "session_id", "session"),
    );
    return noContent(c);
  },
});

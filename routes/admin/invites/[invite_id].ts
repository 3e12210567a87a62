import {
  adminActor,
  noContent,
  pathParam,
} from "../../../lib/admin/admin_http.ts";
import { deleteInvite } from "../../../lib/admin/accounts_admin.ts";
import { define } from "../../../lib/http/define.ts";

export const handler = define.handlers({
  async DELETE(c) {
    await deleteInvite(
      c.var.deps,
      adminActor(c),
      pathParam(c, "invite_id", "invite"),
    );
    return noContent(c);
  },
});

import {
  adminActor,
  noContent,
  pathParam,
} from "../../../../../lib/admin/admin_http.ts";
import { removeUserPasskey } from "../../../../../lib/admin/factors_admin.ts";
import { define } from "../../../../../lib/http/define.ts";

export const handler = define.handlers({
  async DELETE(c) {
    await removeUserPasskey(
      c.var.deps,
      adminActor(c),
      pathParam(c, "user_id", "user"),
      pathParam(c, "credential_id", "passkey"),
    );
    return noContent(c);
  },
});

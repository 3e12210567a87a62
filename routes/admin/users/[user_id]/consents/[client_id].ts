import {
  adminActor,
  noContent,
  pathParam,
} from "../../../../../lib/admin/admin_http.ts";
import { revokeConsent } from "../../../../../lib/admin/consents_admin.ts";
import { define } from "../../../../../lib/http/define.ts";

export const handler = define.handlers({
  async DELETE(c) {
    await revokeConsent(
      c.var.deps,
      adminActor(c),
      pathParam(c, "user_id", "user"),
      pathParam(c, "client_id", "client"),
    );
    return noContent(c);
  },
});

import { adminActor, noContent } from "../../../../../lib/admin/admin_http.ts";
import { revokeConsent } from "../../../../../lib/admin/consents_admin.ts";
import { define } from "../../../../../lib/http/define.ts";

export const handler = define.handlers({
  async DELETE(c) {
    await revokeConsent(
      c.var.deps,
      adminActor(c),
      c.req.param("user_id")!,
      c.req.param("client_id")!,
    );
    return noContent(c);
  },
});

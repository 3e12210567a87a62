import { adminActor, noContent } from "../../../../lib/admin/admin_http.ts";
import { deleteKey } from "../../../../lib/admin/keys_admin.ts";
import { define } from "../../../../lib/http/define.ts";

export const handler = define.handlers({
  async DELETE(c) {
    await deleteKey(
      c.var.deps,
      adminActor(c),
      c.req.param("kid")!,
      c.req.query(),
    );
    return noContent(c);
  },
});

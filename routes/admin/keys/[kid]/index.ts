import {
  adminActor,
  noContent,
  pathParam,
} from "../../../../lib/admin/admin_http.ts";
import { deleteKey } from "../../../../lib/admin/keys_admin.ts";
import { define } from "../../../../lib/http/define.ts";

export const handler = define.handlers({
  async DELETE(c) {
    await deleteKey(
      c.var.deps,
      adminActor(c),
      pathParam(c, "kid", "signing key"),
      c.req.query(),
    );
    return noContent(c);
  },
});

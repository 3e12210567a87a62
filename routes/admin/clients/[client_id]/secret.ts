import {
  adminActor,
  adminJSON,
  pathParam,
} from "../../../../lib/admin/admin_http.ts";
import { regenerateSecret } from "../../../../lib/admin/clients_admin.ts";
import { define } from "../../../../lib/http/define.ts";

export const handler = define.handlers({
  async POST(c) {
    return adminJSON(
      c,
      await regenerateSecret(
        c.var.deps,
        adminActor(c),
        pathParam(c, "client_id", "client"),
      ),
    );
  },
});

import {
  adminActor,
  adminJSON,
  pathParam,
} from "../../../../lib/admin/admin_http.ts";
import { retireKey } from "../../../../lib/admin/keys_admin.ts";
import { define } from "../../../../lib/http/define.ts";

export const handler = define.handlers({
  async POST(c) {
    return adminJSON(
      c,
      await retireKey(
        c.var.deps,
        adminActor(c),
        pathParam(c, "kid", "signing key"),
      ),
    );
  },
});

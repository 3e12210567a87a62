import {
  adminActor,
  adminJSON,
  readOptionalJSON,
} from "../../lib/admin/admin_http.ts";
import { rotateKey } from "../../lib/admin/keys_admin.ts";
import { define } from "../../lib/http/define.ts";

/** The seed's route: same as POST /admin/keys/rotate. */
export const handler = define.handlers({
  async POST(c) {
    const body = await readOptionalJSON(c.req.raw);
    return adminJSON(c, await rotateKey(c.var.deps, adminActor(c), body));
  },
});

import { adminActor, adminJSON } from "../../../lib/admin/admin_http.ts";
import {
  brandingView,
  updateBranding,
} from "../../../lib/admin/branding_admin.ts";
import { define } from "../../../lib/http/define.ts";
import { readJSON } from "../../../lib/http/json_body.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await brandingView(c.var.deps));
  },
  async PATCH(c) {
    const body = await readJSON(c.req.raw);
    return adminJSON(
      c,
      await updateBranding(c.var.deps, adminActor(c), body),
    );
  },
});

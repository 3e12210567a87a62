import { adminActor, adminJSON } from "../../../lib/admin/admin_http.ts";
import { removeLogo, setLogo } from "../../../lib/admin/branding_admin.ts";
import { define } from "../../../lib/http/define.ts";
import { readJSON } from "../../../lib/http/json_body.ts";

export const handler = define.handlers({
  async PUT(c) {
    const body = await readJSON(c.req.raw);
    return adminJSON(c, await setLogo(c.var.deps, adminActor(c), body));
  },
  async DELETE(c) {
    return adminJSON(c, await removeLogo(c.var.deps, adminActor(c)));
  },
});

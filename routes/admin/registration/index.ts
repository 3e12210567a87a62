import { adminActor, adminJSON } from "../../../lib/admin/admin_http.ts";
import {
  getRegistrationSettings,
  saveRegistrationSettings,
} from "../../../lib/admin/registration_admin.ts";
import { define } from "../../../lib/http/define.ts";
import { readJSON } from "../../../lib/http/json_body.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await getRegistrationSettings(c.var.deps));
  },
  async POST(c) {
    const body = await readJSON(c.req.raw);
    return adminJSON(
      c,
      await saveRegistrationSettings(c.var.deps, adminActor(c), body),
    );
  },
});

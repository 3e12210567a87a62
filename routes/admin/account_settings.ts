import { adminActor, adminJSON } from "../../lib/admin/admin_http.ts";
import {
  accountSettingsView,
  updateAccountSettings,
} from "../../lib/admin/accounts_admin.ts";
import { define } from "../../lib/http/define.ts";
import { readJSON } from "../../lib/http/json_body.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await accountSettingsView(c.var.deps));
  },
  async PATCH(c) {
    const body = await readJSON(c.req.raw);
    return adminJSON(
      c,
      await updateAccountSettings(c.var.deps, adminActor(c), body),
    );
  },
});

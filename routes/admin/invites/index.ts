import {
  adminActor,
  adminJSON,
  readOptionalJSON,
} from "../../../lib/admin/admin_http.ts";
import {
  issueInvite,
  listInviteViews,
} from "../../../lib/admin/accounts_admin.ts";
import { define } from "../../../lib/http/define.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await listInviteViews(c.var.deps));
  },
  async POST(c) {
    const body = await readOptionalJSON(c.req.raw);
    return adminJSON(
      c,
      await issueInvite(c.var.deps, adminActor(c), body),
      201,
    );
  },
});

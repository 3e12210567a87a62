import { adminActor, adminJSON } from "../../../../lib/admin/admin_http.ts";
import {
  issueInitialAccessToken,
  listInitialAccessTokenViews,
} from "../../../../lib/admin/registration_admin.ts";
import { define } from "../../../../lib/http/define.ts";
import { readOptionalJSON } from "../../../../lib/admin/admin_http.ts";

export const handler = define.handlers({
  async GET(c) {
    return adminJSON(c, await listInitialAccessTokenViews(c.var.deps));
  },
  async POST(c) {
    const body = await readOptionalJSON(c.req.raw);
    return adminJSON(
      c,
      await issueInitialAccessToken(c.var.deps, adminActor(c), body),
      201,
    );
  },
});

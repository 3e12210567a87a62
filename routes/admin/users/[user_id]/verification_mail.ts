import {
  adminActor,
  adminJSON,
  pathParam,
} from "../../../../lib/admin/admin_http.ts";
import { sendUserVerificationMail } from "../../../../lib/admin/accounts_admin.ts";
import { define } from "../../../../lib/http/define.ts";

export const handler = define.handlers({
  async POST(c) {
    return adminJSON(
      c,
      await sendUserVerificationMail(
        c.var.deps,
        adminActor(c),
        pathParam(c, "user_id", "user"),
      ),
    );
  },
});

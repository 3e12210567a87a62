import { getCookie } from "hono/cookie";
import { recordAccountEvent } from "../../lib/accounts/notify.ts";
import {
  accountForm,
  signedInAccount,
  withNotice,
} from "../../lib/accounts/web.ts";
import { define } from "../../lib/http/define.ts";
import {
  clearSessionCookie,
  endSession,
  SESSION_COOKIE,
} from "../../lib/security/session.ts";
import { servedOverHTTPS } from "../../lib/config.ts";

export const handler = define.handlers({
  async POST(c) {
    await accountForm(c);
    const { deps } = c.var;
    const account = await signedInAccount(c);
    await endSession(deps.db, getCookie(c, SESSION_COOKIE.user));
    if (account) {
      await recordAccountEvent(
        deps.db,
        account.current.user,
        "account.signed_out",
        {
          ip: account.ip,
        },
        deps.now(),
      );
    }
    clearSessionCookie(c, "user", servedOverHTTPS(deps.config));
    return withNotice(c, "/account/login", "signed_out");
  },
});

import { renderAccountPage } from "../../components/account/render.tsx";
import { SessionsPage } from "../../components/account/SessionsPage.tsx";
import { endDevice, listDevices } from "../../lib/accounts/devices.ts";
import {
  accountForm,
  signedInAccount,
  toAccountSignIn,
  withNotice,
} from "../../lib/accounts/web.ts";
import { define } from "../../lib/http/define.ts";
import { HttpError } from "../../lib/http/http_error.ts";
import { message } from "../../lib/i18n/messages.ts";

const PATH = "/account/sessions";

export const handler = define.handlers({
  async GET(c) {
    const account = await signedInAccount(c);
    if (!account) return toAccountSignIn(c, PATH);
    const { current } = account;
    const devices = await listDevices(
      c.var.deps,
      current.user,
      current.session.id,
    );
    return renderAccountPage(
      c,
      account,
      (csrf) => <SessionsPage devices={devices} csrf={csrf} />,
      { title: message("account.nav.sessions") },
    );
  },
  async POST(c) {
    const form = await accountForm(c);
    const account = await signedInAccount(c);
    if (!account) return toAccountSignIn(c, PATH);
    const { deps } = c.var;
    const { current } = account;
    const action = form.get("_action");
    if (action === "end_others") {
      const devices = await listDevices(deps, current.user, current.session.id);
      for (const d of devices) {
        if (!d.current) await endDevice(deps, current.user, d.id, account.ip);
      }
      return withNotice(c, PATH, "sessions.ended");
    }
    const id = form.get("session_id") ?? "";
    if (action !== "end_session" || id === current.session.id) {
      throw new HttpError(400, "session_id must name another of your sessions");
    }
    if (!(await endDevice(deps, current.user, id, account.ip))) {
      throw new HttpError(404, "you have no such session");
    }
    return withNotice(c, PATH, "session.ended");
  },
});

import { AppsPage } from "../../components/account/AppsPage.tsx";
import { renderAccountPage } from "../../components/account/render.tsx";
import { listApps, revokeApp } from "../../lib/accounts/devices.ts";
import {
  accountForm,
  signedInAccount,
  toAccountSignIn,
  withNotice,
} from "../../lib/accounts/web.ts";
import { define } from "../../lib/http/define.ts";
import { HttpError } from "../../lib/http/http_error.ts";
import { message } from "../../lib/i18n/messages.ts";

const PATH = "/account/apps";

export const handler = define.handlers({
  async GET(c) {
    const account = await signedInAccount(c);
    if (!account) return toAccountSignIn(c, PATH);
    const apps = await listApps(c.var.deps, account.current.user);
    return renderAccountPage(
      c,
      account,
      (csrf) => <AppsPage apps={apps} csrf={csrf} />,
      { title: message("account.nav.apps") },
    );
  },
  async POST(c) {
    const form = await accountForm(c);
    const account = await signedInAccount(c);
    if (!account) return toAccountSignIn(c, PATH);
    if (form.get("_action") !== "revoke_app") {
      throw new HttpError(400, "_action must be revoke_app");
    }
    const clientID = form.get("client_id") ?? "";
    if (
      !(await revokeApp(c.var.deps, account.current.user, clientID, account.ip))
    ) {
      throw new HttpError(404, "client_id names no app you let in");
    }
    return withNotice(c, PATH, "app.revoked");
  },
});

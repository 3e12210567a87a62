import { PasswordPage } from "../../components/account/PasswordPage.tsx";
import { renderAccountPage } from "../../components/account/render.tsx";
import {
  changeOwnPassword,
  signedInRecently,
} from "../../lib/accounts/passwords.ts";
import {
  type AccountContext,
  accountForm,
  signedInAccount,
  toAccountSignIn,
  withNotice,
} from "../../lib/accounts/web.ts";
import { type AppContext, define } from "../../lib/http/define.ts";
import { type Message, message } from "../../lib/i18n/messages.ts";
import { retryAfterHeaders } from "../../lib/http/http_error.ts";

const PATH = "/account/password";

function page(
  c: AppContext,
  account: AccountContext,
  state: {
    status?: number;
    errors?: Record<string, Message>;
    retryAfter?: number;
  } = {},
): Response {
  return renderAccountPage(c, account, (csrf) => (
    <PasswordPage
      csrf={csrf}
      recent={signedInRecently(account.current.session, c.var.deps.now())}
      errors={state.errors}
    />
  ), {
    title: message("account.nav.password"),
    status: state.status,
    headers: retryAfterHeaders(state.retryAfter),
  });
}

export const handler = define.handlers({
  async GET(c) {
    const account = await signedInAccount(c);
    return account ? page(c, account) : toAccountSignIn(c, PATH);
  },
  async POST(c) {
    const form = await accountForm(c);
    const account = await signedInAccount(c);
    if (!account) return toAccountSignIn(c, PATH);
    const result = await changeOwnPassword(c.var.deps, account.current, {
      currentPassword: form.get("current_password") ?? "",
      newPassword: form.get("new_password") ?? "",
      confirmPassword: form.get("confirm_password") ?? "",
    }, account.ip);
    if (!result.ok) return page(c, account, result);
    return withNotice(c, PATH, "password.changed");
  },
});

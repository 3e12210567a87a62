import {
  AccountNotice,
  ResetPasswordPage,
} from "../../components/account/PublicPages.tsx";
import { renderPublicPage } from "../../components/account/render.tsx";
import {
  resetLinkValid,
  resetPasswordWithLink,
} from "../../lib/accounts/recovery.ts";
import { accountForm, withNotice } from "../../lib/accounts/web.ts";
import { type AppContext, define } from "../../lib/http/define.ts";
import { clientIP } from "../../lib/http/request.ts";
import { message } from "../../lib/i18n/messages.ts";

function invalidLink(c: AppContext): Response {
  return renderPublicPage(c, () => (
    <AccountNotice
      title={message("link.invalid.title")}
      message={message("reset.link_invalid", { minutes: 30 })}
      link={{ href: "/account/forgot", label: message("reset.new_link") }}
    />
  ), { title: message("link.invalid.title"), status: 410 });
}

export const handler = define.handlers({
  async GET(c) {
    const token = c.req.query("token") ?? "";
    if (!(await resetLinkValid(c.var.deps, token))) return invalidLink(c);
    return renderPublicPage(
      c,
      (csrf) => <ResetPasswordPage csrf={csrf} token={token} />,
      { title: message("change_password.title") },
    );
  },
  async POST(c) {
    const form = await accountForm(c);
    const token = form.get("token") ?? "";
    const password = form.get("new_password") ?? "";
    if (password !== (form.get("confirm_password") ?? "")) {
      return renderPublicPage(c, (csrf) => (
        <ResetPasswordPage
          csrf={csrf}
          token={token}
          error={message("password.mismatch")}
        />
      ), { title: message("change_password.title"), status: 400 });
    }
    const result = await resetPasswordWithLink(
      c.var.deps,
      token,
      password,
      clientIP(c),
    );
    if (result.ok) return withNotice(c, "/account/login", "reset");
    if (result.reason === "invalid_link") return invalidLink(c);
    return renderPublicPage(
      c,
      (csrf) => (
        <ResetPasswordPage csrf={csrf} token={token} error={result.message} />
      ),
      { title: message("change_password.title"), status: 400 },
    );
  },
});

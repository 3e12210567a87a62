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

function invalidLink(c: AppContext): Response {
  return renderPublicPage(c, () => (
    <AccountNotice
      title="This link does not work"
      message="The link was used already, has expired (links work for 30 minutes) or was replaced by a password change. Ask for a new one."
      link={{ href: "/account/forgot", label: "Send me a new link" }}
    />
  ), { title: "This link does not work", status: 410 });
}

export const handler = define.handlers({
  async GET(c) {
    const token = c.req.query("token") ?? "";
    if (!(await resetLinkValid(c.var.deps, token))) return invalidLink(c);
    return renderPublicPage(
      c,
      (csrf) => <ResetPasswordPage csrf={csrf} token={token} />,
      { title: "Choose a new password" },
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
          error="The two passwords are not the same."
        />
      ), { title: "Choose a new password", status: 400 });
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
      { title: "Choose a new password", status: 400 },
    );
  },
});

import {
  AccountNotice,
  VerifyEmailPage,
} from "../../components/account/PublicPages.tsx";
import { renderPublicPage } from "../../components/account/render.tsx";
import { verifyEmailWithLink } from "../../lib/accounts/verification.ts";
import { accountForm } from "../../lib/accounts/web.ts";
import { define } from "../../lib/http/define.ts";
import { clientIP } from "../../lib/http/request.ts";
import { message } from "../../lib/i18n/messages.ts";

export const handler = define.handlers({
  // Opening the link only asks for a click: mail scanners open links too.
  GET: (c) =>
    renderPublicPage(
      c,
      (csrf) => (
        <VerifyEmailPage csrf={csrf} token={c.req.query("token") ?? ""} />
      ),
      { title: message("sign_in.verify_first.title") },
    ),
  async POST(c) {
    const form = await accountForm(c);
    const result = await verifyEmailWithLink(
      c.var.deps,
      form.get("token"),
      clientIP(c),
    );
    if (result.ok) {
      return renderPublicPage(c, () => (
        <AccountNotice
          title={message("verify.done.title")}
          message={message("verify.done", {
            email: result.user.email ?? "",
            username: result.user.username,
          })}
          link={{ href: "/account", label: message("verify.to_account") }}
        />
      ), { title: message("verify.done.title") });
    }
    return renderPublicPage(c, () => (
      <AccountNotice
        title={message("link.invalid.title")}
        message={result.reason === "address_changed"
          ? message("verify.address_changed")
          : message("verify.link_invalid")}
        link={{ href: "/account", label: message("verify.to_account") }}
      />
    ), { title: message("link.invalid.title"), status: 410 });
  },
});

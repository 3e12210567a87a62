import {
  AccountNotice,
  VerifyEmailPage,
} from "../../components/account/PublicPages.tsx";
import { renderPublicPage } from "../../components/account/render.tsx";
import { verifyEmailWithLink } from "../../lib/accounts/verification.ts";
import { accountForm } from "../../lib/accounts/web.ts";
import { define } from "../../lib/http/define.ts";
import { clientIP } from "../../lib/http/request.ts";

export const handler = define.handlers({
  // Opening the link only asks for a click: mail scanners open links too.
  GET: (c) =>
    renderPublicPage(
      c,
      (csrf) => (
        <VerifyEmailPage csrf={csrf} token={c.req.query("token") ?? ""} />
      ),
      { title: "Confirm your email address" },
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
          title="Email address confirmed"
          message={`Thank you: ${result.user.email} is confirmed for ${result.user.username}.`}
          link={{ href: "/account", label: "Go to your account" }}
        />
      ), { title: "Email address confirmed" });
    }
    return renderPublicPage(c, () => (
      <AccountNotice
        title="This link does not work"
        message={result.reason === "address_changed"
          ? "The account's email address changed since this link was sent."
          : "The link was used already or has expired. Sign in to ask for a new one."}
        link={{ href: "/account", label: "Go to your account" }}
      />
    ), { title: "This link does not work", status: 410 });
  },
});

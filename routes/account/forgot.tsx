import { ForgotPasswordPage } from "../../components/account/PublicPages.tsx";
import { renderPublicPage } from "../../components/account/render.tsx";
import { requestPasswordReset } from "../../lib/accounts/recovery.ts";
import { accountForm } from "../../lib/accounts/web.ts";
import { define } from "../../lib/http/define.ts";
import { clientIP } from "../../lib/http/request.ts";

export const handler = define.handlers({
  GET: (c) =>
    renderPublicPage(
      c,
      (csrf) => (
        <ForgotPasswordPage csrf={csrf} available={c.var.deps.mail.enabled} />
      ),
      { title: "Reset your password" },
    ),
  async POST(c) {
    const { deps } = c.var;
    const identifier = ((await accountForm(c)).get("identifier") ?? "").slice(
      0,
      254,
    );
    const result = await requestPasswordReset(deps, identifier, clientIP(c));
    return renderPublicPage(c, (csrf) => (
      <ForgotPasswordPage
        csrf={csrf}
        available={deps.mail.enabled}
        sent={result.ok}
        identifier={identifier}
        error={!result.ok && result.reason === "limited"
          ? "Too many requests from your network. Try again later."
          : undefined}
      />
    ), {
      title: "Reset your password",
      status: result.ok ? 200 : result.reason === "limited" ? 429 : 404,
      headers: !result.ok && result.reason === "limited"
        ? { "Retry-After": String(result.retryAfter) }
        : {},
    });
  },
});

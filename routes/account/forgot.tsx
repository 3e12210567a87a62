import { ForgotPasswordPage } from "../../components/account/PublicPages.tsx";
import { renderPublicPage } from "../../components/account/render.tsx";
import { requestPasswordReset } from "../../lib/accounts/recovery.ts";
import { accountForm } from "../../lib/accounts/web.ts";
import { define } from "../../lib/http/define.ts";
import { pageLocale } from "../../lib/http/page_look.ts";
import { clientIP } from "../../lib/http/request.ts";
import { message } from "../../lib/i18n/messages.ts";
import { retryAfterHeaders } from "../../lib/http/http_error.ts";

export const handler = define.handlers({
  GET: (c) =>
    renderPublicPage(
      c,
      (csrf) => (
        <ForgotPasswordPage csrf={csrf} available={c.var.deps.mail.enabled} />
      ),
      { title: message("forgot.title") },
    ),
  async POST(c) {
    const { deps } = c.var;
    const identifier = ((await accountForm(c)).get("identifier") ?? "").slice(
      0,
      254,
    );
    const result = await requestPasswordReset(
      deps,
      identifier,
      clientIP(c),
      pageLocale(c),
    );
    return renderPublicPage(c, (csrf) => (
      <ForgotPasswordPage
        csrf={csrf}
        available={deps.mail.enabled}
        sent={result.ok}
        identifier={identifier}
        error={!result.ok && result.reason === "limited"
          ? message("forgot.limited")
          : undefined}
      />
    ), {
      title: message("forgot.title"),
      status: result.ok ? 200 : result.reason === "limited" ? 429 : 404,
      headers: retryAfterHeaders(
        !result.ok && result.reason === "limited"
          ? result.retryAfter
          : undefined,
      ),
    });
  },
});

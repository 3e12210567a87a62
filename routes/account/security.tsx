import { SecurityPage } from "../../components/account/SecurityPage.tsx";
import { renderAccountPage } from "../../components/account/render.tsx";
import {
  SECURITY_NOTICES,
  SECURITY_PATH,
  securityAction,
  type SecurityAnswer,
  type SecurityRequest,
  securityView,
} from "../../lib/accounts/factors/account_security.ts";
import {
  type AccountContext,
  accountForm,
  setSessionCookie,
  signedInAccount,
  toAccountSignIn,
} from "../../lib/accounts/web.ts";
import { type AppContext, define } from "../../lib/http/define.ts";
import { message } from "../../lib/i18n/messages.ts";
import { retryAfterHeaders } from "../../lib/http/http_error.ts";

function securityRequest(
  c: AppContext,
  account: AccountContext,
): SecurityRequest {
  return { current: account.current, ip: account.ip, requestURL: c.req.url };
}

function answer(
  c: AppContext,
  account: AccountContext,
  result: SecurityAnswer,
): Response {
  if (result.token) setSessionCookie(c, result.token);
  if (result.kind === "redirect") {
    return c.redirect(`${SECURITY_PATH}?notice=${result.notice}`, 303);
  }
  return renderAccountPage(c, account, (csrf) => (
    <SecurityPage
      view={result.view}
      csrf={csrf}
      issuer={c.var.deps.config.issuer}
    />
  ), {
    title: message("security.title"),
    status: result.status,
    headers: retryAfterHeaders(result.retryAfter),
  });
}

export const handler = define.handlers({
  async GET(c) {
    const account = await signedInAccount(c);
    if (!account) return toAccountSignIn(c, SECURITY_PATH);
    const { deps } = c.var;
    const asked = c.req.query("notice") ?? "";
    const notice = Object.hasOwn(SECURITY_NOTICES, asked)
      ? SECURITY_NOTICES[asked]
      : undefined;
    const view = await securityView(deps, securityRequest(c, account));
    return renderAccountPage(c, account, (csrf) => (
      <SecurityPage
        view={view}
        csrf={csrf}
        notice={notice}
        issuer={deps.config.issuer}
      />
    ), { title: message("security.title") });
  },
  async POST(c) {
    const form = await accountForm(c);
    const account = await signedInAccount(c);
    if (!account) return toAccountSignIn(c, SECURITY_PATH);
    const req = securityRequest(c, account);
    return answer(c, account, await securityAction(c.var.deps, req, form));
  },
});

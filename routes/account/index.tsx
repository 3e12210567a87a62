import { ProfilePage } from "../../components/account/ProfilePage.tsx";
import { renderAccountPage } from "../../components/account/render.tsx";
import { profileView, updateProfile } from "../../lib/accounts/profile.ts";
import { offerVerification } from "../../lib/accounts/verification.ts";
import {
  type AccountContext,
  accountForm,
  signedInAccount,
  toAccountSignIn,
  withNotice,
} from "../../lib/accounts/web.ts";
import { type AppContext, define } from "../../lib/http/define.ts";
import { pageLocale } from "../../lib/http/page_look.ts";
import { type Message, message } from "../../lib/i18n/messages.ts";

async function page(
  c: AppContext,
  account: AccountContext,
  state: {
    status?: number;
    errors?: Record<string, Message>;
    values?: Record<string, string>;
  } = {},
): Promise<Response> {
  const { deps } = c.var;
  const profile = await profileView(deps, account.current.user);
  return renderAccountPage(c, account, (csrf) => (
    <ProfilePage
      profile={profile}
      csrf={csrf}
      errors={state.errors}
      values={state.values}
      mailOn={deps.mail.enabled}
    />
  ), { title: message("profile.title"), status: state.status });
}

export const handler = define.handlers({
  async GET(c) {
    const account = await signedInAccount(c);
    return account ? await page(c, account) : toAccountSignIn(c, "/account");
  },
  async POST(c) {
    const form = await accountForm(c);
    const account = await signedInAccount(c);
    if (!account) return toAccountSignIn(c, "/account");
    const { deps } = c.var;
    const user = account.current.user;
    if (form.get("_action") === "send_verification") {
      const sent = await offerVerification(
        deps,
        user,
        account.ip,
        "account",
        pageLocale(c),
      );
      return withNotice(c, "/account", sent ? "email.sent" : "email.not_sent");
    }
    const result = await updateProfile(deps, user, form, account.ip);
    if (!result.ok) {
      const values: Record<string, string> = {};
      for (const [k, v] of form) {
        if (k.startsWith("claim.")) values[k.slice(6)] = v;
      }
      return await page(c, account, {
        status: 400,
        errors: result.errors,
        values,
      });
    }
    return withNotice(
      c,
      "/account",
      result.changed.length === 0
        ? "profile.unchanged"
        : result.verificationSent
        ? "profile.verify"
        : "profile.saved",
    );
  },
});

import {
  ACCOUNTS_PAGE,
  AccountsPage,
  type AccountsPageProps,
} from "../../../components/admin/AccountsPage.tsx";
import { adminActor } from "../../../lib/admin/admin_http.ts";
import {
  accountSettingsView,
  deleteInvite,
  issueInvite,
  listInviteViews,
  updateAccountSettings,
} from "../../../lib/admin/accounts_admin.ts";
import {
  field,
  formFailure,
  intentOf,
  noticeURL,
  readForm,
} from "../../../lib/admin/ui/forms.ts";
import { adminCSRF, adminPage, noticeOf } from "../../../lib/admin/ui/page.tsx";
import { type AppContext, define } from "../../../lib/http/define.ts";
import { HttpError } from "../../../lib/http/http_error.ts";

type State = Partial<Pick<AccountsPageProps, "issued" | "error" | "claims">> & {
  status?: number;
};

async function page(c: AppContext, state: State = {}): Promise<Response> {
  const { deps } = c.var;
  return adminPage(
    c,
    "Accounts",
    <AccountsPage
      csrf={adminCSRF(c)}
      settings={await accountSettingsView(deps)}
      invites={await listInviteViews(deps)}
      notice={state.issued ? undefined : noticeOf(c)}
      {...state}
    />,
    { status: state.status },
  );
}

/** A form failure as the page's message (400/409), or rethrown. */
function failed(err: unknown, state: State): State {
  const failure = formFailure(err);
  if (!failure) throw err;
  return {
    ...state,
    status: failure.status,
    error: failure.message ?? Object.values(failure.errors).join(" "),
  };
}

export const handler = define.handlers({
  GET: (c) => page(c),
  async POST(c) {
    const form = await readForm(c);
    const { deps } = c.var;
    const who = adminActor(c);
    switch (intentOf(form)) {
      case "settings": {
        const claims = field(form, "editable_claims");
        try {
          await updateAccountSettings(deps, who, { editable_claims: claims });
        } catch (err) {
          return page(c, failed(err, { claims }));
        }
        return c.redirect(noticeURL(ACCOUNTS_PAGE, "accounts.saved"), 303);
      }
      case "invite": {
        const email = field(form, "email").trim();
        const days = field(form, "expires_in_days").trim();
        try {
          const issued = await issueInvite(deps, who, {
            ...(email ? { email } : {}),
            ...(days ? { expires_in_days: Number(days) } : {}),
          });
          return page(c, { issued });
        } catch (err) {
          return page(c, failed(err, {}));
        }
      }
      case "withdraw":
        await deleteInvite(deps, who, field(form, "invite_id"));
        return c.redirect(noticeURL(ACCOUNTS_PAGE, "invite.withdrawn"), 303);
    }
    throw new HttpError(400, "unknown form action");
  },
});

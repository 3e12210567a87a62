import { ConfirmStep } from "../../../../components/admin/common.tsx";
import {
  CONFIRM,
  type ConfirmText,
} from "../../../../components/admin/confirms.ts";
import {
  userFormValues,
  UserPage,
} from "../../../../components/admin/UserPage.tsx";
import { userHref } from "../../../../components/admin/UsersPage.tsx";
import type { UserFormProps } from "../../../../islands/UserForm.tsx";
import {
  PASSWORD_FORM,
  USER_EDIT_FORM,
} from "../../../../lib/admin/forms/specs.ts";
import { adminActor } from "../../../../lib/admin/admin_http.ts";
import {
  sendUserResetMail,
  sendUserVerificationMail,
} from "../../../../lib/admin/accounts_admin.ts";
import {
  endUserSession,
  listSessionViews,
} from "../../../../lib/admin/sessions_admin.ts";
import {
  listUserConsents,
  revokeConsent,
} from "../../../../lib/admin/consents_admin.ts";
import {
  getFactorsView,
  removeUserPasskey,
  resetSecondFactor,
} from "../../../../lib/admin/factors_admin.ts";
import {
  getUserView,
  removeUser,
  resetPassword,
  updateUserAccount,
} from "../../../../lib/admin/users_admin.ts";
import {
  bodyOf,
  errorProps,
  field,
  type FormFailure,
  formFailure,
  intentOf,
  isConfirmed,
  noticeURL,
  readForm,
  valuesOf,
} from "../../../../lib/admin/ui/forms.ts";
import {
  adminCSRF,
  adminPage,
  noticeOf,
  pageParam,
} from "../../../../lib/admin/ui/page.tsx";
import { type AppContext, define } from "../../../../lib/http/define.ts";
import { HttpError } from "../../../../lib/http/http_error.ts";

interface PageState {
  status?: number;
  edit?: UserFormProps["values"];
  editFailure?: FormFailure;
  passwordFailure?: FormFailure;
  error?: string;
}

async function page(c: AppContext, state: PageState = {}): Promise<Response> {
  const { deps } = c.var;
  const user = await getUserView(deps, pageParam(c, "user_id"));
  const body = (
    <UserPage
      csrf={adminCSRF(c)}
      user={user}
      consents={await listUserConsents(deps, user.id)}
      factors={await getFactorsView(deps, user.id)}
      sessions={await listSessionViews(deps, { user_id: user.id })}
      mailOn={deps.mail.enabled}
      edit={{
        values: state.edit ?? userFormValues(user),
        ...errorProps(USER_EDIT_FORM, state.editFailure),
      }}
      password={{
        values: {},
        ...errorProps(PASSWORD_FORM, state.passwordFailure),
      }}
      notice={noticeOf(c)}
      error={state.error}
    />
  );
  return adminPage(c, user.username, body, { status: state.status });
}

/** The no-JavaScript confirmation of a destructive form on this page. */
function confirm(c: AppContext, form: FormData, text: ConfirmText): Response {
  const href = userHref(pageParam(c, "user_id"));
  const fields: Record<string, string> = { _action: intentOf(form) };
  if (form.has("client_id")) fields.client_id = field(form, "client_id");
  if (form.has("credential_id")) {
    fields.credential_id = field(form, "credential_id");
  }
  if (form.has("session_id")) fields.session_id = field(form, "session_id");
  return adminPage(
    c,
    text.title,
    <ConfirmStep
      csrf={adminCSRF(c)}
      {...text}
      action={href}
      fields={fields}
      cancel={href}
    />,
  );
}

async function act(c: AppContext, form: FormData): Promise<Response> {
  const { deps } = c.var;
  const who = adminActor(c);
  const id = pageParam(c, "user_id");
  const back = (notice: string, subject?: string) =>
    c.redirect(noticeURL(userHref(id), notice, subject), 303);
  const username = async () => (await getUserView(deps, id)).username;
  switch (intentOf(form)) {
    case "edit": {
      const values = valuesOf(USER_EDIT_FORM, form);
      try {
        await updateUserAccount(deps, who, id, bodyOf(USER_EDIT_FORM, values));
        return back("user.saved");
      } catch (err) {
        const failure = formFailure(err);
        if (!failure) throw err;
        const edit = values as UserFormProps["values"];
        return page(c, { status: failure.status, edit, editFailure: failure });
      }
    }
    case "password": {
      const values = valuesOf(PASSWORD_FORM, form);
      try {
        await resetPassword(deps, who, id, bodyOf(PASSWORD_FORM, values));
        return back("user.password");
      } catch (err) {
        const failure = formFailure(err);
        if (!failure) throw err;
        return page(c, { status: failure.status, passwordFailure: failure });
      }
    }
    case "enable":
      await updateUserAccount(deps, who, id, { disabled: false });
      return back("user.enabled");
    case "lock": {
      const reason = field(form, "lock_reason").trim();
      if (!reason) {
        return page(c, {
          status: 400,
          error: "Say why the account is locked.",
        });
      }
      try {
        await updateUserAccount(deps, who, id, {
          disabled: true,
          lock_reason: reason,
        });
      } catch (err) {
        const failure = formFailure(err);
        if (!failure) throw err;
        return page(c, {
          status: failure.status,
          error: failure.errors.lock_reason ?? failure.message,
        });
      }
      return back("user.locked");
    }
    case "force_change":
    case "no_force_change":
      await updateUserAccount(deps, who, id, {
        must_change_password: intentOf(form) === "force_change",
      });
      return back(`user.${intentOf(form)}`);
    case "reset_mail": {
      const sent = await sendUserResetMail(deps, who, id);
      return back("user.reset_mail", sent.to);
    }
    case "verification_mail": {
      const sent = await sendUserVerificationMail(deps, who, id);
      return back("user.verification_mail", sent.to);
    }
    case "end_session": {
      if (!isConfirmed(form)) {
        return confirm(c, form, CONFIRM.endSession(await username()));
      }
      await endUserSession(deps, who, field(form, "session_id"));
      return back("session.revoked");
    }
    case "disable":
      if (!isConfirmed(form)) {
        return confirm(c, form, CONFIRM.disableUser(await username()));
      }
      await updateUserAccount(deps, who, id, { disabled: true });
      return back("user.disabled");
    case "revoke_consent": {
      const clientID = field(form, "client_id");
      if (!isConfirmed(form)) {
        return confirm(c, form, CONFIRM.revokeConsent(clientID));
      }
      await revokeConsent(deps, who, id, clientID);
      return back("consent.revoked", clientID);
    }
    case "reset_second_factor":
      if (!isConfirmed(form)) {
        return confirm(c, form, CONFIRM.resetSecondFactor(await username()));
      }
      await resetSecondFactor(deps, who, id);
      return back("user.second_factor_reset");
    case "delete_passkey": {
      const credentialID = field(form, "credential_id");
      const passkey = (await getFactorsView(deps, id)).passkeys.find((p) =>
        p.id === credentialID
      );
      const name = passkey?.name ?? credentialID;
      if (!isConfirmed(form)) {
        return confirm(c, form, CONFIRM.deletePasskey(name));
      }
      await removeUserPasskey(deps, who, id, credentialID);
      return back("passkey.deleted", name);
    }
    case "delete": {
      if (!isConfirmed(form)) {
        return confirm(c, form, CONFIRM.deleteUser(await username()));
      }
      const user = await getUserView(deps, id);
      await removeUser(deps, who, id);
      return c.redirect(
        noticeURL("/admin/ui/users", "user.deleted", user.username),
        303,
      );
    }
  }
  throw new HttpError(400, "unknown form action");
}

export const handler = define.handlers({
  GET: (c) => page(c),
  async POST(c) {
    return await act(c, await readForm(c));
  },
});

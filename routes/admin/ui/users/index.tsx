import {
  userHref,
  UsersPage,
} from "../../../../components/admin/UsersPage.tsx";
import type { UserFormProps } from "../../../../islands/UserForm.tsx";
import { USER_CREATE_FORM } from "../../../../lib/admin/forms/specs.ts";
import { adminActor } from "../../../../lib/admin/admin_http.ts";
import {
  createUserAccount,
  listUserViews,
} from "../../../../lib/admin/users_admin.ts";
import {
  bodyOf,
  errorProps,
  type FormFailure,
  formFailure,
  intentOf,
  readForm,
  valuesOf,
} from "../../../../lib/admin/ui/forms.ts";
import {
  adminCSRF,
  adminPage,
  noticeOf,
} from "../../../../lib/admin/ui/page.tsx";
import { type AppContext, define } from "../../../../lib/http/define.ts";
import { HttpError } from "../../../../lib/http/http_error.ts";

const EMPTY: UserFormProps["values"] = {
  username: "",
  email: "",
  email_verified: false,
  claims: "",
};

async function page(
  c: AppContext,
  options: {
    status?: number;
    values?: UserFormProps["values"];
    failure?: FormFailure;
  } = {},
): Promise<Response> {
  const body = (
    <UsersPage
      csrf={adminCSRF(c)}
      users={await listUserViews(c.var.deps)}
      form={{
        values: options.values ?? EMPTY,
        ...errorProps(USER_CREATE_FORM, options.failure),
      }}
      notice={noticeOf(c)}
    />
  );
  return adminPage(c, "Users", body, { status: options.status });
}

export const handler = define.handlers({
  GET: (c) => page(c),
  async POST(c) {
    const form = await readForm(c);
    if (intentOf(form) !== "create") {
      throw new HttpError(400, "unknown form action");
    }
    const values = valuesOf(USER_CREATE_FORM, form);
    try {
      const user = await createUserAccount(
        c.var.deps,
        adminActor(c),
        bodyOf(USER_CREATE_FORM, values),
      );
      return c.redirect(`${userHref(user.id)}?notice=user.created`, 303);
    } catch (err) {
      const failure = formFailure(err, "username");
      if (!failure) throw err;
      // The password is never sent back into the page.
      const { password: _, ...kept } = values;
      return page(c, {
        status: failure.status,
        values: kept as UserFormProps["values"],
        failure,
      });
    }
  },
});

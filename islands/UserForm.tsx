/**
 * A user account form: create (POST /admin/users), edit email and claims
 * (PATCH /admin/users/:id) or reset the password (POST
 * /admin/users/:id/password). Without JavaScript it posts to its page.
 * @module
 */
import type { VNode } from "preact";
import type { FieldErrors } from "./_shared/api.ts";
import { CheckboxField, TextArea, TextField } from "./_shared/fields.tsx";
import { APIForm, useSpecForm } from "./_shared/form.tsx";
import {
  PASSWORD_FORM,
  USER_CREATE_FORM,
  USER_EDIT_FORM,
  type Values,
} from "../lib/admin/forms/specs.ts";

export interface UserFormProps {
  csrf: string;
  mode: "create" | "edit" | "password";
  /** The user being edited (edit, password). */
  userID?: string;
  values: {
    username?: string;
    email?: string;
    email_verified?: boolean;
    claims?: string;
  };
  errors?: FieldErrors;
  formError?: string;
}

const SPECS = {
  create: USER_CREATE_FORM,
  edit: USER_EDIT_FORM,
  password: PASSWORD_FORM,
};

export default function UserForm(props: UserFormProps): VNode {
  const { mode } = props;
  const spec = SPECS[mode];
  const prefix = `user-${mode}-`;
  const form = useSpecForm(
    spec,
    { password: "", ...props.values } as Values,
    props.errors,
  );
  const id = encodeURIComponent(props.userID ?? "");
  const page = mode === "create" ? "/admin/ui/users" : `/admin/ui/users/${id}`;
  const api = mode === "create"
    ? { method: "POST", url: "/admin/users" }
    : mode === "edit"
    ? { method: "PATCH", url: `/admin/users/${id}` }
    : { method: "POST", url: `/admin/users/${id}/password` };
  const password = (
    <TextField
      id={`${prefix}password`}
      name="password"
      type="password"
      label={mode === "password" ? "New password" : "Password"}
      hint="At least 8 characters."
      autocomplete="new-password"
      error={form.errors.password}
      {...form.text("password")}
    />
  );
  return (
    <APIForm
      form={form}
      spec={spec}
      prefix={prefix}
      action={page}
      intent={mode === "create" ? "create" : mode}
      csrf={props.csrf}
      method={api.method}
      url={api.url}
      submitLabel={mode === "create"
        ? "Create user"
        : mode === "edit"
        ? "Save user"
        : "Set password"}
      formError={props.formError}
      onSuccess={(result) => {
        if (mode === "create") {
          location.assign(
            `/admin/ui/users/${
              encodeURIComponent(result.data.id)
            }?notice=user.created`,
          );
          return;
        }
        if (mode === "password") {
          form.set("password", "");
          return "Password set. The user's sessions and tokens were ended.";
        }
        return "User saved.";
      }}
    >
      {mode === "create" && (
        <TextField
          id={`${prefix}username`}
          name="username"
          label="Username"
          help="users"
          autocomplete="off"
          spellcheck={false}
          error={form.errors.username}
          {...form.text("username")}
        />
      )}
      {mode === "create" && password}
      {mode !== "password" && (
        <>
          <TextField
            id={`${prefix}email`}
            name="email"
            type="email"
            label="Email"
            autocomplete="off"
            error={form.errors.email}
            {...form.text("email")}
          />
          <CheckboxField
            id={`${prefix}email_verified`}
            name="email_verified"
            label="Email verified"
            checked={form.values.email_verified === true}
            onChange={(checked) => form.set("email_verified", checked)}
          />
          <TextArea
            id={`${prefix}claims`}
            name="claims"
            label="Claims (JSON)"
            help="user-claims"
            hint='Extra OpenID Connect claims, e.g. {"name": "Alice Liddell"}.'
            rows={4}
            spellcheck={false}
            class="mono"
            error={form.errors.claims}
            {...form.text("claims")}
          />
        </>
      )}
      {mode === "password" && password}
    </APIForm>
  );
}

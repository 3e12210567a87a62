/**
 * Add or edit a scope. Without JavaScript it posts to /admin/ui/scopes;
 * hydrated, it checks as you type and saves through POST /admin/scopes.
 * @module
 */
import type { VNode } from "preact";
import type { FieldErrors } from "./_shared/api.ts";
import { TextArea, TextField } from "./_shared/fields.tsx";
import { APIForm, useSpecForm } from "./_shared/form.tsx";
import { SCOPE_FORM, type Values } from "../lib/admin/forms/specs.ts";

export interface ScopeEditorProps {
  csrf: string;
  /** Editing an existing scope: its name cannot change. */
  editing: boolean;
  values: { name: string; description: string; claims: string };
  errors?: FieldErrors;
  formError?: string;
}

const PREFIX = "scope-";

export default function ScopeEditor(props: ScopeEditorProps): VNode {
  const form = useSpecForm(
    SCOPE_FORM,
    props.values as unknown as Values,
    props.errors,
  );
  return (
    <APIForm
      form={form}
      spec={SCOPE_FORM}
      prefix={PREFIX}
      action="/admin/ui/scopes"
      intent="save"
      csrf={props.csrf}
      method="POST"
      url="/admin/scopes"
      submitLabel={props.editing ? "Save scope" : "Add scope"}
      formError={props.formError}
      onSuccess={() => {
        const name = encodeURIComponent(String(form.values.name).trim());
        location.assign(
          `/admin/ui/scopes?notice=scope.saved&subject=${name}#scopes`,
        );
      }}
    >
      {props.editing && <input type="hidden" name="editing" value="yes" />}
      <TextField
        id={`${PREFIX}name`}
        name="name"
        label="Name"
        help="scope-name"
        hint="A scope token, e.g. files.read. No spaces."
        readOnly={props.editing}
        autocomplete="off"
        spellcheck={false}
        error={form.errors.name}
        {...form.text("name")}
      />
      <TextField
        id={`${PREFIX}description`}
        name="description"
        label="Description"
        help="scope-description"
        hint="Shown to people on the consent screen."
        error={form.errors.description}
        {...form.text("description")}
      />
      <TextArea
        id={`${PREFIX}claims`}
        name="claims"
        label="Claims"
        help="scope-claims"
        hint="Space-separated claim names released with this scope, e.g. files."
        rows={2}
        spellcheck={false}
        error={form.errors.claims}
        {...form.text("claims")}
      />
    </APIForm>
  );
}

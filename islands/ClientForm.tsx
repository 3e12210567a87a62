/**
 * A client's fields, as the seed's Admin UI Reference lists them, for a new
 * client (POST /admin/clients) or an existing one (PATCH
 * /admin/clients/:id). Without JavaScript it posts to its page. A secret the
 * server generates is shown here once.
 * @module
 */
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import type { FieldErrors } from "./_shared/api.ts";
import {
  CheckboxField,
  ChoiceGroup,
  SelectField,
  TextArea,
  TextField,
} from "./_shared/fields.tsx";
import { APIForm, useSpecForm } from "./_shared/form.tsx";
import {
  announceCreatedClient,
  clientHref,
  clientViewOf,
} from "./_shared/clients.ts";
import { SecretPanel } from "./_shared/SecretPanel.tsx";
import {
  AUTH_METHOD_OPTIONS,
  CLIENT_CREATE_FORM,
  CLIENT_EDIT_FORM,
  CLIENT_TYPE_OPTIONS,
  GRANT_TYPE_OPTIONS,
  type Values,
} from "../lib/admin/forms/specs.ts";

export interface ClientFormValues {
  client_id: string;
  client_name: string;
  redirect_uris: string;
  scope: string;
  grant_types: string[];
  response_types: string[];
  client_type: string;
  token_endpoint_auth_method: string;
  require_consent: boolean;
}

export interface ClientFormProps {
  csrf: string;
  mode: "create" | "edit";
  values: ClientFormValues;
  errors?: FieldErrors;
  formError?: string;
}

const PREFIX = "client-";

export default function ClientForm(props: ClientFormProps): VNode {
  const create = props.mode === "create";
  const spec = create ? CLIENT_CREATE_FORM : CLIENT_EDIT_FORM;
  const form = useSpecForm(
    spec,
    props.values as unknown as Values,
    props.errors,
  );
  const [secret, setSecret] = useState<{ id: string; value: string } | null>(
    null,
  );
  const v = form.values;
  const id = props.values.client_id;
  const page = clientHref;

  /** Client type and auth method go together: public means `none`. */
  function setType(type: string): void {
    const method = v.token_endpoint_auth_method;
    form.update({
      client_type: type,
      token_endpoint_auth_method: type === "public"
        ? "none"
        : method === "none"
        ? "client_secret_basic"
        : method,
    });
  }

  if (secret) {
    return (
      <div>
        <SecretPanel
          clientID={secret.id}
          secret={secret.value}
          reason={create ? "created" : "generated"}
        />
        <p>
          <a class="button" href={page(secret.id)}>
            {create ? "Open the client's settings" : "Reload the settings"}
          </a>
        </p>
      </div>
    );
  }
  const method = String(v.token_endpoint_auth_method);
  return (
    <APIForm
      form={form}
      spec={spec}
      prefix={PREFIX}
      action={create ? "/admin/ui/clients" : page(id)}
      intent={create ? "create" : "update_client"}
      csrf={props.csrf}
      method={create ? "POST" : "PATCH"}
      url={create
        ? "/admin/clients"
        : `/admin/clients/${encodeURIComponent(id)}`}
      submitLabel={create ? "Create client" : "Save client"}
      formError={props.formError}
      class="client-form"
      onSuccess={(result) => {
        const clientID = result.data.client_id as string;
        if (create) announceCreatedClient(clientViewOf(result.data));
        if (result.data.client_secret) {
          setSecret({ id: clientID, value: result.data.client_secret });
          return "Saved. Copy the new client secret now.";
        }
        location.assign(
          `${page(clientID)}?notice=${
            create ? "client.created" : "client.saved"
          }`,
        );
      }}
    >
      {create
        ? (
          <TextField
            id={`${PREFIX}client_id`}
            name="client_id"
            label="Client ID"
            help="client-id"
            hint="Unique, stable and URL-safe, e.g. camera-web."
            autocomplete="off"
            spellcheck={false}
            required
            error={form.errors.client_id}
            {...form.text("client_id")}
          />
        )
        : (
          <TextField
            id={`${PREFIX}client_id`}
            name="client_id"
            label="Client ID"
            help="client-id"
            hint="Cannot be changed."
            value={id}
            readOnly
          />
        )}
      <TextField
        id={`${PREFIX}client_name`}
        name="client_name"
        label="Client Name"
        help="client-name"
        hint="Shown to people on the consent screen."
        error={form.errors.client_name}
        {...form.text("client_name")}
      />
      <TextArea
        id={`${PREFIX}redirect_uris`}
        name="redirect_uris"
        label="Redirect URIs"
        help="redirect-uris"
        hint="One per line. Exact match; https, or http on localhost/127.0.0.1."
        spellcheck={false}
        error={form.errors.redirect_uris}
        {...form.text("redirect_uris")}
      />
      <TextField
        id={`${PREFIX}scope`}
        name="scope"
        label="Client Scope"
        help="client-scope"
        hint="Space-separated, e.g. openid profile email offline_access."
        autocomplete="off"
        spellcheck={false}
        error={form.errors.scope}
        {...form.text("scope")}
      />
      <ChoiceGroup
        id={`${PREFIX}grant_types`}
        name="grant_types"
        type="checkbox"
        label="Grant Types"
        help="grant-types"
        options={GRANT_TYPE_OPTIONS}
        values={v.grant_types as string[]}
        error={form.errors.grant_types}
        onChange={(values) => form.set("grant_types", values)}
      />
      <ChoiceGroup
        id={`${PREFIX}response_types`}
        name="response_types"
        type="checkbox"
        label="Response Types"
        help="response-types"
        options={[["code", "code"]]}
        values={v.response_types as string[]}
        error={form.errors.response_types}
        onChange={(values) => form.set("response_types", values)}
      />
      <ChoiceGroup
        id={`${PREFIX}client_type`}
        name="client_type"
        type="radio"
        label="Client Type"
        help="client-type"
        options={CLIENT_TYPE_OPTIONS}
        values={[String(v.client_type)]}
        error={form.errors.client_type}
        onChange={([type]) => setType(type)}
      />
      <SelectField
        id={`${PREFIX}token_endpoint_auth_method`}
        name="token_endpoint_auth_method"
        label="Token Endpoint Auth Method"
        help="token-endpoint-auth-method"
        value={method}
        options={AUTH_METHOD_OPTIONS}
        error={form.errors.token_endpoint_auth_method}
        onChange={(value) =>
          form.update({
            token_endpoint_auth_method: value,
            client_type: value === "none" ? "public" : "confidential",
          })}
      />
      <CheckboxField
        id={`${PREFIX}require_consent`}
        name="require_consent"
        label="Require Consent"
        help="require-consent"
        hint="Ask the user before tokens are issued (see Consent Policy)."
        checked={v.require_consent === true}
        onChange={(checked) => form.set("require_consent", checked)}
      />
    </APIForm>
  );
}

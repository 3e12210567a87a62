/**
 * A client's policy, field by field as the seed's Admin UI Reference lists
 * it, plus the ID token signing algorithm. Without JavaScript it posts to
 * the client's page; hydrated, it checks as you type and saves through
 * POST /admin/clients/:id/policy, staying on the page.
 * @module
 */
import type { VNode } from "preact";
import type { FieldErrors } from "./_shared/api.ts";
import {
  CheckboxField,
  SelectField,
  TextArea,
  TextField,
} from "./_shared/fields.tsx";
import { APIForm, useSpecForm } from "./_shared/form.tsx";
import {
  CONSENT_POLICY_OPTIONS,
  LIFETIME_RANGE,
  POLICY_FORM,
  REFRESH_DAYS_RANGE,
  REUSE_GRACE_RANGE,
  SIGNING_ALG_OPTIONS,
  TOKEN_FORMAT_OPTIONS,
  type Values,
} from "../lib/admin/forms/specs.ts";

export interface PolicyFormValues {
  allowed_scopes: string;
  default_scopes: string;
  post_logout_redirect_uris: string;
  require_pkce: boolean;
  consent_policy: string;
  access_token_lifetime: string;
  refresh_token_ttl_days: string;
  token_format: string;
  id_token_signed_response_alg: string;
  refresh_reuse_grace_seconds: string;
  require_second_factor: boolean;
}

export interface PolicyFormProps {
  csrf: string;
  clientID: string;
  /** Public clients must keep PKCE on. */
  publicClient: boolean;
  values: PolicyFormValues;
  errors?: FieldErrors;
  formError?: string;
}

const PREFIX = "policy-";

export default function PolicyForm(props: PolicyFormProps): VNode {
  const form = useSpecForm(
    POLICY_FORM,
    { ...props.values, public_client: props.publicClient } as Values,
    props.errors,
  );
  const v = form.values;
  const id = encodeURIComponent(props.clientID);
  const select = (name: string) => ({
    value: String(v[name]),
    onChange: (value: string) => form.set(name, value),
  });
  return (
    <APIForm
      form={form}
      spec={POLICY_FORM}
      prefix={PREFIX}
      action={`/admin/ui/clients/${id}`}
      intent="update_policy"
      csrf={props.csrf}
      method="POST"
      url={`/admin/clients/${id}/policy`}
      submitLabel="Save policy"
      formError={props.formError}
      onSuccess={(result) => {
        const p = result.data;
        form.update({
          allowed_scopes: p.allowed_scopes,
          default_scopes: p.default_scopes,
          post_logout_redirect_uris: p.post_logout_redirect_uris,
        });
        return "Policy saved. The next authorization request uses it.";
      }}
    >
      <TextField
        id={`${PREFIX}allowed_scopes`}
        name="allowed_scopes"
        label="Allowed Scopes"
        help="allowed-scopes"
        hint="Space-separated. Requests for anything else are refused."
        spellcheck={false}
        autocomplete="off"
        error={form.errors.allowed_scopes}
        {...form.text("allowed_scopes")}
      />
      <TextField
        id={`${PREFIX}default_scopes`}
        name="default_scopes"
        label="Default Scopes"
        help="default-scopes"
        hint="Used when a request names no scope; within Allowed Scopes."
        spellcheck={false}
        autocomplete="off"
        error={form.errors.default_scopes}
        {...form.text("default_scopes")}
      />
      <TextArea
        id={`${PREFIX}post_logout_redirect_uris`}
        name="post_logout_redirect_uris"
        label="Post-Logout Redirect URIs"
        help="post-logout-redirect-uris"
        hint="Space- or newline-separated, exact URLs."
        rows={2}
        spellcheck={false}
        error={form.errors.post_logout_redirect_uris}
        {...form.text("post_logout_redirect_uris")}
      />
      <CheckboxField
        id={`${PREFIX}require_pkce`}
        name="require_pkce"
        label="Require PKCE"
        help="require-pkce"
        hint={props.publicClient
          ? "Always on for public clients."
          : "S256 code challenge on every authorization request."}
        checked={v.require_pkce === true}
        error={form.errors.require_pkce}
        onChange={(checked) => form.set("require_pkce", checked)}
      />
      <CheckboxField
        id={`${PREFIX}require_second_factor`}
        name="require_second_factor"
        label="Require a Second Factor"
        help="require-second-factor"
        hint="People signing in to this client confirm a TOTP code, a recovery code or a passkey after their password."
        checked={v.require_second_factor === true}
        error={form.errors.require_second_factor}
        onChange={(checked) => form.set("require_second_factor", checked)}
      />
      <SelectField
        id={`${PREFIX}consent_policy`}
        name="consent_policy"
        label="Consent Policy"
        help="consent-policy"
        options={CONSENT_POLICY_OPTIONS}
        error={form.errors.consent_policy}
        {...select("consent_policy")}
      />
      <div class="row">
        <TextField
          id={`${PREFIX}access_token_lifetime`}
          name="access_token_lifetime"
          label="Access Token Lifetime (seconds)"
          help="access-token-lifetime"
          hint={`${LIFETIME_RANGE.min}–${LIFETIME_RANGE.max}; 3600 is one hour.`}
          inputMode="numeric"
          autocomplete="off"
          error={form.errors.access_token_lifetime}
          {...form.text("access_token_lifetime")}
        />
        <TextField
          id={`${PREFIX}refresh_token_ttl_days`}
          name="refresh_token_ttl_days"
          label="Refresh Token TTL (days)"
          help="refresh-token-ttl"
          hint={`${REFRESH_DAYS_RANGE.min}–${REFRESH_DAYS_RANGE.max} days.`}
          inputMode="numeric"
          autocomplete="off"
          error={form.errors.refresh_token_ttl_days}
          {...form.text("refresh_token_ttl_days")}
        />
        <TextField
          id={`${PREFIX}refresh_reuse_grace_seconds`}
          name="refresh_reuse_grace_seconds"
          label="Refresh Reuse Grace (seconds)"
          help="refresh-reuse-grace"
          hint={`${REUSE_GRACE_RANGE.min}–${REUSE_GRACE_RANGE.max} seconds; 0 is off.`}
          inputMode="numeric"
          autocomplete="off"
          error={form.errors.refresh_reuse_grace_seconds}
          {...form.text("refresh_reuse_grace_seconds")}
        />
      </div>
      <div class="row">
        <SelectField
          id={`${PREFIX}token_format`}
          name="token_format"
          label="Token Format"
          help="token-format"
          options={TOKEN_FORMAT_OPTIONS}
          error={form.errors.token_format}
          {...select("token_format")}
        />
        <SelectField
          id={`${PREFIX}id_token_signed_response_alg`}
          name="id_token_signed_response_alg"
          label="ID Token Signing Algorithm"
          help="id-token-signing-alg"
          options={SIGNING_ALG_OPTIONS}
          error={form.errors.id_token_signed_response_alg}
          {...select("id_token_signed_response_alg")}
        />
      </div>
    </APIForm>
  );
}

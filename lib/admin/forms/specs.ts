/**
 * The admin UI's forms as data: each field's kind, its as-you-type check and
 * how the values become the admin API's JSON body. The server reads a posted
 * form through the same spec (lib/admin/ui/forms.ts), so a form sent without
 * JavaScript and one sent by an island reach the same API function with the
 * same body. Browser-safe.
 * @module
 */
import {
  claimListProblem,
  claimsJSONProblem,
  clientIDProblem,
  emailProblem,
  integerProblem,
  passwordProblem,
  type Problem,
  scopeListProblem,
  scopeNameProblem,
  splitList,
  uriListProblem,
  usernameProblem,
} from "./checks.ts";
import {
  AUTH_METHODS,
  checkClientMetadata,
  type ClientShape,
  CONSENT_POLICIES,
  type ConsentPolicy,
  GRANT_TYPES,
  isPublicAuthMethod,
  MAX_REFRESH_REUSE_GRACE_SECONDS,
  SIGNING_ALGS,
  TOKEN_FORMATS,
  type TokenFormat,
} from "../../oauth/vocabulary.ts";

/** text: one string; bool: a checkbox; list: repeated checkboxes. */
export type FieldKind = "text" | "bool" | "list";
export type Value = string | boolean | string[];
export type Values = Record<string, Value>;
export type Check = (values: Values) => Problem;

export interface FormSpec {
  fields: Record<string, FieldKind>;
  checks: Record<string, Check>;
  toBody(values: Values): Record<string, unknown>;
}

function text(v: Values, name: string): string {
  const value = v[name];
  return typeof value === "string" ? value : "";
}

function list(v: Values, name: string): string[] {
  const value = v[name];
  return Array.isArray(value) ? value : [];
}

/** Every field's problem, by field name (fields without one are left out). */
export function checkAll(
  spec: FormSpec,
  values: Values,
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [name, check] of Object.entries(spec.checks)) {
    const problem = check(values);
    if (problem) errors[name] = problem;
  }
  return errors;
}

export const SCOPE_FORM: FormSpec = {
  fields: { name: "text", description: "text", claims: "text" },
  checks: {
    name: (v) => scopeNameProblem(text(v, "name").trim()),
    description: (v) =>
      text(v, "description").length > 500
        ? "must be at most 500 characters"
        : null,
    claims: (v) => claimListProblem(text(v, "claims")),
  },
  toBody: (v) => ({
    name: text(v, "name").trim(),
    description: text(v, "description").trim(),
    claims: splitList(text(v, "claims")),
  }),
};

export const GRANT_TYPE_OPTIONS = GRANT_TYPES.map((g) => [g, g] as const);
export const AUTH_METHOD_OPTIONS = AUTH_METHODS.map((m) =>
  [m, isPublicAuthMethod(m) ? `${m} (public client)` : m] as const
);
const CONFIDENTIAL_METHODS = AUTH_METHODS.filter((m) => !isPublicAuthMethod(m));
export const CLIENT_TYPE_OPTIONS = [
  ["public", "Public (SPA, mobile or desktop app; no secret)"],
  ["confidential", "Confidential (server-side app with a secret)"],
] as const;

/** What the client invariants say about one field. */
function invariant(client: ClientShape, path: string): Problem {
  return checkClientMetadata(client).find((i) => i.path === path)?.message ??
    null;
}

/** The client invariants over the client form's values. */
function clientInvariant(v: Values, path: string): Problem {
  return invariant({
    grantTypes: list(v, "grant_types"),
    authMethod: text(v, "client_type") === "public"
      ? "none"
      : text(v, "token_endpoint_auth_method"),
    redirectURIs: splitList(text(v, "redirect_uris")),
  }, path);
}

const clientChecks: Record<string, Check> = {
  client_name: (v) =>
    text(v, "client_name").trim().length > 200
      ? "must be at most 200 characters"
      : null,
  redirect_uris: (v) =>
    uriListProblem(text(v, "redirect_uris")) ??
      clientInvariant(v, "redirect_uris"),
  scope: (v) => scopeListProblem(text(v, "scope")),
  grant_types: (v) =>
    list(v, "grant_types").length === 0
      ? "choose at least one grant type"
      : clientInvariant(v, "grant_types"),
  token_endpoint_auth_method: (v) => {
    const method = text(v, "token_endpoint_auth_method");
    if (text(v, "client_type") === "public" && !isPublicAuthMethod(method)) {
      return "public clients authenticate with none (they have no secret)";
    }
    if (
      text(v, "client_type") === "confidential" && isPublicAuthMethod(method)
    ) {
      return `confidential clients use ${CONFIDENTIAL_METHODS.join(" or ")}`;
    }
    return null;
  },
};

const clientFields: Record<string, FieldKind> = {
  client_name: "text",
  redirect_uris: "text",
  scope: "text",
  grant_types: "list",
  response_types: "list",
  client_type: "text",
  token_endpoint_auth_method: "text",
  require_consent: "bool",
};

function clientBody(v: Values): Record<string, unknown> {
  const name = text(v, "client_name").trim();
  return {
    ...(name ? { client_name: name } : {}),
    redirect_uris: splitList(text(v, "redirect_uris")),
    scope: text(v, "scope").trim(),
    grant_types: list(v, "grant_types"),
    response_types: list(v, "response_types"),
    token_endpoint_auth_method: text(v, "token_endpoint_auth_method"),
    require_consent: v.require_consent === true,
  };
}

export const CLIENT_CREATE_FORM: FormSpec = {
  fields: { client_id: "text", ...clientFields },
  checks: {
    client_id: (v) => clientIDProblem(text(v, "client_id").trim()),
    ...clientChecks,
  },
  toBody: (v) => ({ client_id: text(v, "client_id").trim(), ...clientBody(v) }),
};

export const CLIENT_EDIT_FORM: FormSpec = {
  fields: clientFields,
  checks: {
    ...clientChecks,
    client_name: (v) =>
      text(v, "client_name").trim() === ""
        ? "must not be empty"
        : clientChecks.client_name(v),
  },
  toBody: clientBody,
};

export const LIFETIME_RANGE = { min: 60, max: 86400 };
export const REFRESH_DAYS_RANGE = { min: 1, max: 365 };
export const REUSE_GRACE_RANGE = {
  min: 0,
  max: MAX_REFRESH_REUSE_GRACE_SECONDS,
};
const CONSENT_POLICY_LABELS: Record<ConsentPolicy, string> = {
  always: "always: ask every time",
  once: "once: remember per user, client and scopes",
  skip: "skip: never show the consent screen",
};
export const CONSENT_POLICY_OPTIONS = CONSENT_POLICIES.map((p) =>
  [p, CONSENT_POLICY_LABELS[p]] as const
);
const TOKEN_FORMAT_LABELS: Record<TokenFormat, string> = {
  opaque: "opaque (reference; check with /introspect)",
  jwt: "jwt (self-contained; verify with the JWKS)",
};
export const TOKEN_FORMAT_OPTIONS = TOKEN_FORMATS.map((f) =>
  [f, TOKEN_FORMAT_LABELS[f]] as const
);
export const SIGNING_ALG_OPTIONS = SIGNING_ALGS.map((a) => [a, a] as const);

export const POLICY_FORM: FormSpec = {
  fields: {
    allowed_scopes: "text",
    default_scopes: "text",
    post_logout_redirect_uris: "text",
    require_pkce: "bool",
    consent_policy: "text",
    access_token_lifetime: "text",
    refresh_token_ttl_days: "text",
    token_format: "text",
    id_token_signed_response_alg: "text",
    refresh_reuse_grace_seconds: "text",
    require_second_factor: "bool",
  },
  checks: {
    allowed_scopes: (v) => scopeListProblem(text(v, "allowed_scopes")),
    default_scopes: (v) =>
      scopeListProblem(text(v, "default_scopes")) ??
        (() => {
          const allowed = splitList(text(v, "allowed_scopes"));
          const outside = splitList(text(v, "default_scopes")).filter((s) =>
            !allowed.includes(s)
          );
          return outside.length
            ? `not in allowed_scopes: ${outside.join(" ")}`
            : null;
        })(),
    post_logout_redirect_uris: (v) =>
      uriListProblem(text(v, "post_logout_redirect_uris")),
    require_pkce: (v) =>
      invariant({
        grantTypes: [],
        redirectURIs: [],
        authMethod: v.public_client === true ? "none" : "",
        requirePKCE: v.require_pkce === true,
      }, "require_pkce"),
    access_token_lifetime: (v) =>
      integerProblem(
        text(v, "access_token_lifetime"),
        LIFETIME_RANGE.min,
        LIFETIME_RANGE.max,
      ),
    refresh_token_ttl_days: (v) =>
      integerProblem(
        text(v, "refresh_token_ttl_days"),
        REFRESH_DAYS_RANGE.min,
        REFRESH_DAYS_RANGE.max,
      ),
    refresh_reuse_grace_seconds: (v) =>
      integerProblem(
        text(v, "refresh_reuse_grace_seconds"),
        REUSE_GRACE_RANGE.min,
        REUSE_GRACE_RANGE.max,
      ),
  },
  toBody: (v) => ({
    allowed_scopes: text(v, "allowed_scopes").trim(),
    default_scopes: text(v, "default_scopes").trim(),
    post_logout_redirect_uris: text(v, "post_logout_redirect_uris").trim(),
    require_pkce: v.require_pkce === true,
    consent_policy: text(v, "consent_policy"),
    access_token_lifetime: Number(text(v, "access_token_lifetime")),
    refresh_token_ttl_days: Number(text(v, "refresh_token_ttl_days")),
    token_format: text(v, "token_format"),
    id_token_signed_response_alg: text(v, "id_token_signed_response_alg"),
    refresh_reuse_grace_seconds: Number(text(v, "refresh_reuse_grace_seconds")),
    require_second_factor: v.require_second_factor === true,
  }),
};

function claimsBody(v: Values): Record<string, unknown> {
  const raw = text(v, "claims").trim();
  return raw === "" ? {} : JSON.parse(raw);
}

export const USER_CREATE_FORM: FormSpec = {
  fields: {
    username: "text",
    password: "text",
    email: "text",
    email_verified: "bool",
    claims: "text",
  },
  checks: {
    username: (v) => usernameProblem(text(v, "username").trim()),
    password: (v) => passwordProblem(text(v, "password")),
    email: (v) => emailProblem(text(v, "email").trim()),
    claims: (v) => claimsJSONProblem(text(v, "claims")),
  },
  toBody: (v) => ({
    username: text(v, "username").trim(),
    password: text(v, "password"),
    email: text(v, "email").trim(),
    email_verified: v.email_verified === true,
    claims: claimsBody(v),
  }),
};

export const USER_EDIT_FORM: FormSpec = {
  fields: { email: "text", email_verified: "bool", claims: "text" },
  checks: {
    email: (v) => emailProblem(text(v, "email").trim()),
    claims: (v) => claimsJSONProblem(text(v, "claims")),
  },
  toBody: (v) => ({
    email: text(v, "email").trim(),
    email_verified: v.email_verified === true,
    claims: claimsBody(v),
  }),
};

export const PASSWORD_FORM: FormSpec = {
  fields: { password: "text" },
  checks: { password: (v) => passwordProblem(text(v, "password")) },
  toBody: (v) => ({ password: text(v, "password") }),
};

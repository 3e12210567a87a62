/**
 * Client registration metadata (RFC 7591 §2 names, plus our policy fields),
 * validated with zod: exact redirect URIs, the grant types, response types
 * and authentication methods of the vocabulary, and the client invariants
 * (`checkClientMetadata`) over the whole.
 * @module
 */
import { z } from "zod";
import {
  AUTH_METHODS,
  checkClientMetadata,
  checkRedirectURI,
  CONSENT_POLICIES,
  GRANT_TYPES,
  MAX_REFRESH_REUSE_GRACE_SECONDS,
  RESPONSE_TYPES,
  SIGNING_ALGS,
  splitList,
  TOKEN_FORMATS,
} from "../vocabulary.ts";

const uriList = z.union([z.string(), z.array(z.string())]).transform((v) =>
  Array.isArray(v) ? v : splitList(v)
).superRefine((list, ctx) => {
  for (const uri of list) {
    const problem = checkRedirectURI(uri);
    if (problem) ctx.addIssue({ code: "custom", message: `${uri} ${problem}` });
  }
});

const scopeList = z.union([z.string(), z.array(z.string())]).transform((v) =>
  Array.isArray(v) ? v : splitList(v)
).refine((l) => l.every((s) => /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s)), {
  message: "scopes are space-separated tokens without quotes or backslashes",
});

/** A list of vocabulary values, as a space-separated string or an array. */
function vocabularyList<T extends readonly [string, ...string[]]>(
  values: T,
  options: { min?: number } = {},
) {
  return z.union([z.string(), z.array(z.enum(values))]).transform((v) =>
    Array.isArray(v) ? v : splitList(v)
  ).pipe(z.array(z.enum(values)).min(options.min ?? 0));
}

/**
 * Client metadata accepted by /dev/create_client and the admin API; an
 * unknown key is refused (a misspelt field must not be a silent no-op).
 */
export const ClientMetadata = z.strictObject({
  client_id: z.string().regex(/^[A-Za-z0-9._~-]{1,100}$/, {
    message: "client_id must be 1-100 URL-safe characters",
  }).optional(),
  client_name: z.string().trim().min(1).max(200).refine(
    (v) => !v.includes("\0"),
    { message: "client_name must not contain NUL characters" },
  ).optional(),
  redirect_uris: uriList.default([]),
  grant_types: vocabularyList(GRANT_TYPES, { min: 1 }).default([
    "authorization_code",
    "refresh_token",
  ]),
  response_types: vocabularyList(RESPONSE_TYPES).default(["code"]),
  scope: scopeList.default(["openid", "profile", "email", "offline_access"]),
  token_endpoint_auth_method: z.enum(AUTH_METHODS).default(
    "client_secret_basic",
  ),
  require_consent: z.boolean().default(true),
  post_logout_redirect_uris: uriList.default([]),
  require_pkce: z.boolean().default(true),
  consent_policy: z.enum(CONSENT_POLICIES).default("once"),
  access_token_lifetime: z.number().int().min(60).max(86400).default(3600),
  refresh_token_ttl_days: z.number().int().min(1).max(365).default(30),
  token_format: z.enum(TOKEN_FORMATS).default("opaque"),
  id_token_signed_response_alg: z.enum(SIGNING_ALGS).default("RS256"),
  refresh_reuse_grace_seconds: z.number().int().min(0).max(
    MAX_REFRESH_REUSE_GRACE_SECONDS,
  ).default(0),
  require_second_factor: z.boolean().default(false),
}).superRefine((m, ctx) => {
  for (
    const issue of checkClientMetadata({
      grantTypes: m.grant_types,
      authMethod: m.token_endpoint_auth_method,
      redirectURIs: m.redirect_uris,
      requirePKCE: m.require_pkce,
    })
  ) {
    ctx.addIssue({
      code: "custom",
      path: [issue.path],
      message: issue.message,
    });
  }
});

export type ClientMetadataInput = z.input<typeof ClientMetadata>;
export type ClientMetadataValues = z.output<typeof ClientMetadata>;

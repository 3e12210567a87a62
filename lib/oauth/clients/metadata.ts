/**
 * Client registration metadata (RFC 7591 §2 names, plus our policy fields),
 * validated with zod: exact redirect URIs, the grant types, response types
 * and authentication methods of the vocabulary, and the client invariants
 * (`checkClientMetadata`) over the whole.
 * @module
 */
import { z } from "zod";
import {
  APPLICATION_TYPES,
  AUTH_METHODS,
  checkClientMetadata,
  checkRedirectURI,
  CONSENT_POLICIES,
  DEFAULT_GRANT_TYPES,
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

const clientName = z.string().trim().min(1).max(200).refine(
  (v) => !v.includes("\0"),
  { message: "client_name must not contain NUL characters" },
);

/** The RFC 7591 §2 fields every registration path reads the same way. */
const REGISTRATION_FIELDS = {
  client_name: clientName.optional(),
  redirect_uris: uriList.default([]),
  grant_types: vocabularyList(GRANT_TYPES, { min: 1 }).default([
    ...DEFAULT_GRANT_TYPES,
  ]),
  response_types: vocabularyList(RESPONSE_TYPES).default(["code"]),
  post_logout_redirect_uris: uriList.default([]),
};

/** The shape `checkClientMetadata` reads, from parsed metadata. */
interface InvariantInput {
  grant_types: string[];
  token_endpoint_auth_method: string;
  redirect_uris: string[];
  require_pkce?: boolean;
  application_type?: "web" | "native";
}

/**
 * The client invariants of the vocabulary as zod issues: one rule, stated
 * once, for the admin API, the dev helper, dynamic registration and
 * metadata documents.
 */
function invariants(m: InvariantInput, ctx: z.RefinementCtx): void {
  for (
    const issue of checkClientMetadata({
      grantTypes: m.grant_types,
      authMethod: m.token_endpoint_auth_method,
      redirectURIs: m.redirect_uris,
      requirePKCE: m.require_pkce,
      applicationType: m.application_type,
    })
  ) {
    ctx.addIssue({
      code: "custom",
      path: [issue.path],
      message: issue.message,
    });
  }
}

/**
 * Client metadata accepted by /dev/create_client and the admin API; an
 * unknown key is refused (a misspelt field must not be a silent no-op).
 */
export const ClientMetadata = z.strictObject({
  client_id: z.string().regex(/^[A-Za-z0-9._~-]{1,100}$/, {
    message: "client_id must be 1-100 URL-safe characters",
  }).optional(),
  ...REGISTRATION_FIELDS,
  scope: scopeList.default(["openid", "profile", "email", "offline_access"]),
  token_endpoint_auth_method: z.enum(AUTH_METHODS).default(
    "client_secret_basic",
  ),
  require_consent: z.boolean().default(true),
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
}).superRefine(invariants);

export type ClientMetadataInput = z.input<typeof ClientMetadata>;
export type ClientMetadataValues = z.output<typeof ClientMetadata>;

/** Informational RFC 7591 §2 URLs, kept for the consent page and admins. */
const infoURL = z.url({ protocol: /^https?$/ }).max(2000).optional();

/**
 * What a client registering itself may state (RFC 7591 §2, OIDC DCR §2
 * application_type): the registration fields, its scope and its
 * authentication method, never our policy fields. RFC 7591 §2: "The
 * authorization server MUST ignore any client metadata sent by the client
 * that it does not understand": unknown members are dropped. `scope`
 * omitted: every scope this server has (the user is always asked).
 */
export const SelfRegistration = z.object({
  ...REGISTRATION_FIELDS,
  redirect_uris: uriList.pipe(
    z.array(z.string()).min(1, {
      message: "at least one redirect URI is required",
    }),
  ),
  scope: scopeList.optional(),
  token_endpoint_auth_method: z.enum(AUTH_METHODS).default(
    // RFC 7591 §2: "If unspecified or omitted, the default is
    // client_secret_basic".
    "client_secret_basic",
  ),
  // OIDC DCR §2: "The default, if omitted, is web."
  application_type: z.enum(APPLICATION_TYPES).default("web"),
  client_uri: infoURL,
  logo_uri: infoURL,
  software_id: z.string().max(200).optional(),
  software_version: z.string().max(200).optional(),
}).superRefine(invariants);

export type SelfRegistrationValues = z.output<typeof SelfRegistration>;

/**
 * A Client ID Metadata Document (draft-ietf-oauth-client-id-metadata-
 * document §3): the self-registration fields plus its own `client_id`, and
 * no shared secret ("client_secret_post", "client_secret_basic" and
 * "client_secret_jwt" MUST NOT be used): a public client.
 */
export const MetadataDocument = z.object({
  ...SelfRegistration.def.shape,
  client_id: z.string(),
  token_endpoint_auth_method: z.literal("none", {
    message: "metadata document clients are public: " +
      "token_endpoint_auth_method must be none",
  }).default("none"),
}).superRefine(invariants);

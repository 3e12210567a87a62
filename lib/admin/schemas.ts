/**
 * Every admin API payload, as zod schemas. Lists are accepted as
 * space-separated strings (the seed's shape) or JSON arrays; unknown keys are
 * refused so a misspelt field is a 400, not a silent no-op.
 * @module
 */
import { z } from "zod";
import {
  AUTH_METHODS,
  checkRedirectURI,
  checkResourceIndicator,
  CONSENT_POLICIES,
  GRANT_TYPES,
  MAX_REDIRECT_URI_LENGTH,
  MAX_REFRESH_REUSE_GRACE_SECONDS,
  REGISTRATION_POLICIES,
  RESPONSE_TYPES,
  SIGNING_ALGS,
  TOKEN_FORMATS,
} from "../oauth/vocabulary.ts";
import { usernameProblem } from "../username.ts";
import { accentProblem, parseHex, toHex } from "../branding/colour.ts";
import { LOGO_MAX_BYTES } from "../branding/logo.ts";
import { brandNameProblem, supportURLProblem } from "../branding/rules.ts";

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
/** Claim names: printable, no whitespace (URIs allowed, OIDC Core §5.1.2). */
const CLAIM_NAME = /^[\x21-\x7E]+$/;
const MAX_LIST = 100;

/**
 * Free text stored as is: no NUL characters (PostgreSQL text cannot hold
 * them, and no name or description needs one).
 */
function text() {
  return z.string().refine((v) => !v.includes("\0"), {
    message: "must not contain NUL characters",
  });
}

/**
 * Claims a user record may not carry in `claims`: protocol claims the server
 * sets itself, and the ones backed by their own columns.
 */
export const RESERVED_CLAIMS = new Set([
  "sub",
  "iss",
  "aud",
  "exp",
  "iat",
  "nbf",
  "jti",
  "auth_time",
  "nonce",
  "acr",
  "amr",
  "azp",
  "sid",
  "at_hash",
  "c_hash",
  "email",
  "email_verified",
  "updated_at",
]);

export const ScopeName = z.string()
  .min(1, { message: "must not be empty" })
  .max(100, { message: "must be at most 100 characters" })
  .regex(SCOPE_TOKEN, {
    message: "must be a scope token (printable ASCII, no spaces, quotes or " +
      "backslashes)",
  });

/** A list given as "a b c" or ["a","b","c"]; duplicates dropped, order kept. */
function listOf<T extends z.ZodType>(item: T, options: { min?: number } = {}) {
  return z.preprocess(
    (v) =>
      typeof v === "string"
        ? [...new Set(v.split(/\s+/).filter(Boolean))]
        : Array.isArray(v)
        ? [...new Set(v)]
        : v,
    z.array(item, {
      error: "must be a space-separated string or an array of strings",
    })
      .min(options.min ?? 0, {
        message: `must list at least ${options.min} item(s)`,
      })
      .max(MAX_LIST, { message: `must list at most ${MAX_LIST} items` }),
  );
}

/** Exact redirect URIs (RFC 9700 §4.1.3), checked like the registry does. */
const redirectURI = z.string().max(MAX_REDIRECT_URI_LENGTH).superRefine(
  (uri, ctx) => {
    const problem = checkRedirectURI(uri);
    if (problem) ctx.addIssue({ code: "custom", message: `${uri} ${problem}` });
  },
);

/** RFC 8707 §2: an absolute URI without a fragment. */
export const ResourceIdentifier = z.string().superRefine((uri, ctx) => {
  const problem = checkResourceIndicator(uri);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

export const ScopeList = listOf(ScopeName);
export const URIList = listOf(redirectURI);

export const ScopeInput = z.strictObject({
  name: ScopeName,
  description: text().trim().max(500).optional(),
  claims: listOf(
    z.string().max(200).regex(CLAIM_NAME, {
      message: "claim names are printable characters without spaces",
    }),
  ).optional(),
});
export type ScopeInputValues = z.output<typeof ScopeInput>;

const ResourceFields = {
  name: text().trim().min(1).max(200),
  scopes: listOf(ScopeName).meta({
    description: "the scopes this API defines; missing ones are created",
  }),
  token_format: z.enum(TOKEN_FORMATS).nullable().meta({
    description: "null: the client's policy decides",
  }),
  access_token_lifetime: z.number().int().min(60).max(86400).nullable()
    .meta({ description: "seconds; null: the client's policy decides" }),
  is_default: z.boolean().meta({
    description: "tokens asked for without a resource (and no client " +
      "default) are for this API; at most one resource is the default",
  }),
  server_client_id: z.string().min(1).max(255).nullable().meta({
    description: "a confidential client that is this API's server: it " +
      "introspects tokens whose audience includes this API (RFC 7662 §2.1)",
  }),
};

export const ResourceCreate = z.strictObject({
  identifier: ResourceIdentifier,
  ...ResourceFields,
  scopes: ResourceFields.scopes.default([]),
  token_format: ResourceFields.token_format.default(null),
  access_token_lifetime: ResourceFields.access_token_lifetime.default(null),
  is_default: ResourceFields.is_default.default(false),
  server_client_id: ResourceFields.server_client_id.default(null),
});
export type ResourceCreateValues = z.output<typeof ResourceCreate>;

export const ResourceUpdate = z.strictObject({
  name: ResourceFields.name.optional(),
  scopes: ResourceFields.scopes.optional(),
  token_format: ResourceFields.token_format.optional(),
  access_token_lifetime: ResourceFields.access_token_lifetime.optional(),
  is_default: ResourceFields.is_default.optional(),
  server_client_id: ResourceFields.server_client_id.optional(),
});
export type ResourceUpdateValues = z.output<typeof ResourceUpdate>;

export const PolicyUpdate = z.strictObject({
  allowed_scopes: ScopeList.optional(),
  default_scopes: ScopeList.optional(),
  post_logout_redirect_uris: URIList.optional(),
  require_pkce: z.boolean().optional(),
  consent_policy: z.enum(CONSENT_POLICIES).optional(),
  access_token_lifetime: z.number().int().min(60).max(86400).optional(),
  refresh_token_ttl_days: z.number().int().min(1).max(365).optional(),
  token_format: z.enum(TOKEN_FORMATS).optional(),
  id_token_signed_response_alg: z.enum(SIGNING_ALGS).optional(),
  refresh_reuse_grace_seconds: z.number().int().min(0).max(
    MAX_REFRESH_REUSE_GRACE_SECONDS,
  ).optional(),
  require_second_factor: z.boolean().optional(),
  default_resource: ResourceIdentifier.nullable().optional().meta({
    description: "RFC 8707: the API a request without resource is for",
  }),
  allowed_resources: listOf(ResourceIdentifier).nullable().optional().meta({
    description: "the APIs this client may ask for; null: every one",
  }),
});
export type PolicyUpdateValues = z.output<typeof PolicyUpdate>;

/** Who may register through RFC 7591, and Client ID Metadata Documents. */
export const RegistrationSettingsUpdate = z.strictObject({
  public_clients: z.enum(REGISTRATION_POLICIES).optional(),
  confidential_clients: z.enum(REGISTRATION_POLICIES).optional(),
  metadata_documents: z.boolean().optional().meta({
    description: "accept https client_id URLs (Client ID Metadata Documents)",
  }),
  allowed_hosts: listOf(
    z.string().min(1).max(253).regex(/^[A-Za-z0-9.*:-]+$/, {
      message: "host names (a leading *. matches subdomains)",
    }),
  ).optional().meta({
    description: "metadata documents only from these hosts; empty: any",
  }),
  denied_hosts: listOf(
    z.string().min(1).max(253).regex(/^[A-Za-z0-9.*:-]+$/, {
      message: "host names (a leading *. matches subdomains)",
    }),
  ).optional(),
  min_cache_seconds: z.number().int().min(0).max(86400).optional(),
  max_cache_seconds: z.number().int().min(60).max(7 * 86400).optional(),
});
export type RegistrationSettingsUpdateValues = z.output<
  typeof RegistrationSettingsUpdate
>;

/** RFC 7591 §3: an initial access token the admin hands out. */
export const InitialAccessTokenCreate = z.strictObject({
  description: text().trim().max(200).default(""),
  expires_in: z.number().int().min(60).max(365 * 86400).default(7 * 86400)
    .meta({ description: "seconds" }),
  uses: z.number().int().min(1).max(10000).default(1).meta({
    description: "registrations it allows",
  }),
});

export const ClientUpdate = z.strictObject({
  /** Accepted only when it names the client being updated. */
  client_id: z.string().optional(),
  client_name: text().trim().min(1).max(200).optional(),
  redirect_uris: URIList.optional(),
  grant_types: listOf(z.enum(GRANT_TYPES), { min: 1 }).optional(),
  response_types: listOf(z.enum(RESPONSE_TYPES)).optional(),
  scope: ScopeList.optional(),
  token_endpoint_auth_method: z.enum(AUTH_METHODS).optional(),
  require_consent: z.boolean().optional(),
  disabled: z.boolean().optional().meta({
    description: "a disabled (blocked) client is refused everywhere",
  }),
});
export type ClientUpdateValues = z.output<typeof ClientUpdate>;

/** Extra OIDC claims of a user (name, given_name, picture, …). */
const UserClaims = z.record(
  z.string().min(1).max(100).regex(CLAIM_NAME, {
    message: "claim names are printable characters without spaces",
  }),
  z.json(),
).superRefine((claims, ctx) => {
  for (const name of Object.keys(claims)) {
    if (RESERVED_CLAIMS.has(name)) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: `${name} is set by the server and cannot be a user claim`,
      });
    }
  }
  if (Object.keys(claims).length > 50) {
    ctx.addIssue({ code: "custom", message: "at most 50 claims" });
  }
  if (JSON.stringify(claims).length > 8192) {
    ctx.addIssue({ code: "custom", message: "claims exceed 8 KiB" });
  }
});

/** An email address; "" (an emptied form field) means none. */
const Email = z.preprocess(
  (v) => (v === "" ? null : v),
  z.email({ message: "must be an email address" }).max(254).nullable(),
);

const Password = z.string()
  .min(8, { message: "must be at least 8 characters" })
  .max(1024, { message: "must be at most 1024 characters" });

export const UserCreate = z.strictObject({
  username: z.string().superRefine((name, ctx) => {
    const problem = usernameProblem(name);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  password: Password,
  email: Email.optional(),
  email_verified: z.boolean().optional(),
  claims: UserClaims.optional(),
});
export type UserCreateValues = z.output<typeof UserCreate>;

export const UserUpdate = z.strictObject({
  email: Email.optional(),
  email_verified: z.boolean().optional(),
  claims: UserClaims.optional(),
  /** true locks the account (no sign-in, sessions ended, tokens revoked). */
  disabled: z.boolean().optional(),
  /** Why it is locked (admins only see it); kept with `disabled: true`. */
  lock_reason: text().trim().max(500, {
    message: "must be at most 500 characters",
  }).nullable().optional(),
  /** The next sign-in must set a new password first. */
  must_change_password: z.boolean().optional(),
});
export type UserUpdateValues = z.output<typeof UserUpdate>;

export const PasswordReset = z.strictObject({ password: Password });

/** Claims people may edit on /account: no protocol claim (email is allowed). */
const EditableClaim = z.string().min(1).max(100).regex(CLAIM_NAME, {
  message: "claim names are printable characters without spaces",
}).refine((name) => name === "email" || !RESERVED_CLAIMS.has(name), {
  message: "is set by the server and cannot be edited by people",
});

export const AccountSettingsUpdate = z.strictObject({
  editable_claims: listOf(EditableClaim).optional(),
});

/** An invitation to register (REGISTRATION=invite). */
export const InviteCreate = z.strictObject({
  /** Binds the invitation to this address (and mails it, when mail is on). */
  email: Email.optional(),
  expires_in_days: z.number().int().min(1, { message: "must be 1-90" }).max(
    90,
    { message: "must be 1-90" },
  ).optional(),
});

export const RotateKey = z.strictObject({
  alg: z.enum(SIGNING_ALGS).default("RS256"),
});

/** `?force=true` deletes a retired key inside its grace period. */
export const DeleteKeyQuery = z.object({
  force: z.enum(["true", "false"]).optional(),
});

export const SessionsQuery = z.object({
  user_id: text().min(1).max(100).optional(),
});

/**
 * A point in time for audit filters: epoch seconds, or an ISO 8601 date or
 * date-time (`2025-01-31`, `2025-01-31T09:30` from a datetime-local field),
 * UTC unless it names a zone.
 */
const AuditTime = z.string().trim().transform((v, ctx) => {
  if (/^\d{1,12}$/.test(v)) return Number(v);
  const zoned = /(Z|[+-]\d{2}:?\d{2})$/.test(v) || !v.includes("T")
    ? v
    : `${v}Z`;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(zoned) : NaN;
  if (Number.isNaN(ms)) {
    ctx.addIssue({
      code: "custom",
      message: "must be epoch seconds or an ISO 8601 date-time",
    });
    return z.NEVER;
  }
  return Math.floor(ms / 1000);
});

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Epoch seconds, or the `next_before` cursor of the previous page. */
  before: z.string().regex(/^\d{1,12}(\.[0-9a-f-]{36})?$/, {
    message: "must be epoch seconds or a next_before cursor",
  }).optional(),
  action: text().max(100).optional(),
  target_type: text().max(100).optional(),
  target_id: text().max(200).optional(),
  /** Exact actor (`admin-token`, `user:alice`, `anonymous`, …). */
  actor: text().max(200).optional(),
  /** Exact client address. */
  ip: text().max(100).optional(),
  /** Events at or after this time (epoch seconds or an ISO date, UTC). */
  since: AuditTime.optional(),
  /** Events strictly before this time. */
  until: AuditTime.optional(),
});

/** A check of lib/branding/ as a zod refinement (its sentence as the message). */
function brandRule(problem: (value: string) => string | null) {
  return z.string().trim().superRefine((value, ctx) => {
    const found = problem(value);
    if (found) ctx.addIssue({ code: "custom", message: found });
  });
}

/**
 * The branding's settings; each may be null (back to the default) or left
 * out (kept).
 */
export const BrandingUpdate = z.strictObject({
  /** The product name in titles and the header. */
  name: brandRule(brandNameProblem).nullable().optional(),
  /** `#rrggbb` (or `#rgb`) with WCAG AA contrast on our backgrounds. */
  accent_color: brandRule(accentProblem)
    .transform((v) => toHex(parseHex(v)!))
    .nullable().optional(),
  /** https: or mailto:. */
  support_url: brandRule(supportURLProblem).nullable().optional(),
});

/** Base64 of at most LOGO_MAX_BYTES (with room for padding and line breaks). */
const LOGO_BASE64_MAX = Math.ceil(LOGO_MAX_BYTES / 3) * 4 + 4096;

/**
 * A logo: the image itself (`data`, base64) or an https URL the server
 * fetches once, through its safe fetcher, and keeps (never linked).
 */
export const LogoSet = z.strictObject({
  data: z.string().max(LOGO_BASE64_MAX, {
    message: `must be at most ${LOGO_MAX_BYTES} bytes once decoded`,
  }).regex(/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/, { message: "must be base64" })
    .optional(),
  url: z.string().trim().max(2000).superRefine((value, ctx) => {
    let url: URL | null = null;
    try {
      url = new URL(value);
    } catch { /* reported below */ }
    if (url?.protocol !== "https:" || !url.hostname) {
      ctx.addIssue({ code: "custom", message: "must be an https URL" });
    }
  }).optional(),
}).superRefine((value, ctx) => {
  if ((value.data === undefined) === (value.url === undefined)) {
    ctx.addIssue({
      code: "custom",
      path: [],
      message: "must give exactly one of data (base64) and url",
    });
  }
});

/**
 * The admin API's answers as zod schemas, for its OpenAPI description. The
 * answers themselves are built by lib/admin/*_admin.ts as typed views; the
 * type checks at the bottom fail to compile when a view and its schema
 * drift apart, and tests/admin/openapi_test.ts validates real answers
 * against the generated document.
 * @module
 */
import { z } from "zod";
import type { RegisteredClient } from "../../oauth/clients/registry.ts";
import {
  APPLICATION_TYPES,
  AUTH_METHODS,
  CONSENT_POLICIES,
  GRANT_TYPES,
  PKCE_METHODS,
  REGISTRATION_POLICIES,
  REGISTRATION_TYPES,
  RESPONSE_TYPES,
  SIGNING_ALGS,
  TOKEN_FORMATS,
} from "../../oauth/vocabulary.ts";
import type { AuditEventView, AuditPage } from "../audit_admin.ts";
import type { BrandingView } from "../branding_admin.ts";
import { LOGO_TYPES } from "../../branding/logo.ts";
import type {
  ClientDetail,
  ClientView,
  ClientWithSecret,
} from "../clients_admin.ts";
import type { ConsentView } from "../consents_admin.ts";
import type { KeyView } from "../keys_admin.ts";
import type { PolicyView } from "../policies_admin.ts";
import type {
  InitialAccessTokenView,
  RegistrationSettingsView,
} from "../registration_admin.ts";
import type { ResourceView } from "../resources_admin.ts";
import type { ScopeView } from "../scopes_admin.ts";
import type { SessionView } from "../sessions_admin.ts";
import type { UserView } from "../users_admin.ts";
import { REGISTRATION_MODES } from "../../config.ts";
import type { AccountSettingsView, MailSent } from "../accounts_admin.ts";
import type { InviteView, IssuedInvite } from "../../accounts/registration.ts";

/** Epoch seconds. */
const Time = z.int().min(0).meta({ description: "epoch seconds" });

/** Any JSON value (user claims, audit details). */
const JSONValue = z.json();

/** Every failure: RFC 6749 §5.2's shape, plus details named per status. */
export const ErrorAnswer = z.looseObject({
  error: z.string().meta({
    description: "machine-readable code: invalid_request, unauthorized, " +
      "forbidden, not_found, conflict, unsupported_media_type, " +
      "too_many_requests, …",
  }),
  error_description: z.string().meta({
    description: "one sentence for a person, naming the parameter at fault",
  }),
  issues: z.array(z.strictObject({
    path: z.string().meta({
      description: "the bad field, dot-separated (`claims.sub`, " +
        "`redirect_uris.1`); empty for the whole body",
    }),
    message: z.string(),
  })).optional().meta({ description: "400 only: each bad field" }),
}).meta({
  description: "Conflicts (409) add the objects involved (`clients`, " +
    "`deletable_at`, `kid`, …) beside `error_description`.",
});

export const ScopeAnswer = z.strictObject({
  name: z.string(),
  description: z.string(),
  claims: z.array(z.string()).meta({
    description: "claims UserInfo and the ID token release for this scope",
  }),
});

export const PolicyAnswer = z.strictObject({
  allowed_scopes: z.string().meta({ description: "space-separated" }),
  default_scopes: z.string().meta({
    description: "space-separated; granted when a request names no scope",
  }),
  post_logout_redirect_uris: z.string().meta({
    description: "space-separated",
  }),
  require_pkce: z.boolean(),
  consent_policy: z.enum(CONSENT_POLICIES),
  access_token_lifetime: z.int().meta({ description: "seconds" }),
  refresh_token_ttl_days: z.int(),
  token_format: z.enum(TOKEN_FORMATS),
  id_token_signed_response_alg: z.enum(SIGNING_ALGS),
  refresh_reuse_grace_seconds: z.int().meta({
    description: "seconds a rotated refresh token answers its successor again",
  }),
  require_second_factor: z.boolean().meta({
    description:
      "every sign-in for this client needs a second factor (TOTP, recovery code or passkey)",
  }),
  default_resource: z.string().nullable().meta({
    description: "RFC 8707: the API a request without resource is for",
  }),
  allowed_resources: z.string().nullable().meta({
    description: "space-separated APIs it may ask for; null: every one",
  }),
});

export const ClientAnswer = z.strictObject({
  client_id: z.string(),
  client_name: z.string(),
  client_type: z.enum(["public", "confidential"]),
  redirect_uris: z.array(z.string()),
  grant_types: z.array(z.enum(GRANT_TYPES)),
  response_types: z.array(z.enum(RESPONSE_TYPES)),
  scope: z.string().meta({ description: "space-separated (RFC 7591 §2)" }),
  token_endpoint_auth_method: z.enum(AUTH_METHODS),
  require_consent: z.boolean(),
  registration_type: z.enum(REGISTRATION_TYPES).meta({
    description: "admin; dynamic (RFC 7591, unverified); metadata_document " +
      "(the client_id is the URL of its Client ID Metadata Document)",
  }),
  disabled: z.boolean().meta({
    description: "disabled (blocked) clients are refused everywhere",
  }),
  application_type: z.enum(APPLICATION_TYPES).nullable(),
  metadata_expires_at: Time.nullable().meta({
    description: "metadata document clients: the fetched copy is fresh until",
  }),
  created_at: Time,
  updated_at: Time,
});

export const ClientDetailAnswer = ClientAnswer.extend({
  policy: PolicyAnswer,
});

export const ClientWithSecretAnswer = ClientDetailAnswer.extend({
  client_secret: z.string().optional().meta({
    description: "present only when a secret was generated by this " +
      "request; shown this once, stored only as a hash",
  }),
});

export const ClientSecretAnswer = z.strictObject({
  client_id: z.string(),
  client_secret: z.string().meta({ description: "shown this once" }),
});

/** Public members only: RSA `n`/`e`, EC and OKP `crv`/`x`(/`y`). */
export const PublicJWKAnswer = z.strictObject({
  kty: z.enum(["RSA", "EC", "OKP"]),
  kid: z.string(),
  alg: z.enum(SIGNING_ALGS),
  use: z.literal("sig"),
  n: z.string().optional(),
  e: z.string().optional(),
  crv: z.string().optional(),
  x: z.string().optional(),
  y: z.string().optional(),
});

/** pending: published, signs from activates_at (lib/key_schedule.ts). */
const KeyStatusAnswer = z.enum(["pending", "active", "retired"]);

/** The answer to a rotation: the new public JWK, and when it signs. */
export const RotatedKeyAnswer = PublicJWKAnswer.extend({
  status: KeyStatusAnswer,
  activates_at: Time,
});

export const KeyAnswer = z.strictObject({
  kid: z.string(),
  alg: z.enum(SIGNING_ALGS),
  status: KeyStatusAnswer,
  created_at: Time,
  activates_at: Time,
  retired_at: Time.nullable(),
  public_jwk: PublicJWKAnswer,
});

export const UserAnswer = z.strictObject({
  id: z.string(),
  username: z.string(),
  email: z.string().nullable(),
  email_verified: z.boolean(),
  claims: z.record(z.string(), JSONValue).meta({
    description: "extra OIDC claims (name, given_name, picture, …)",
  }),
  disabled: z.boolean().meta({
    description:
      "locked: the user cannot sign in and holds no tokens (lock_reason says why)",
  }),
  lock_reason: z.string().nullable(),
  locked_at: Time.nullable(),
  must_change_password: z.boolean().meta({
    description: "the next sign-in sets a new password before anything else",
  }),
  verify_before_sign_in: z.boolean().meta({
    description:
      "self-registered while mail was on: no sign-in until the address is verified",
  }),
  created_at: Time,
  updated_at: Time,
});

export const PasskeyAnswer = z.strictObject({
  id: z.string().meta({ description: "the WebAuthn credential ID, base64url" }),
  name: z.string(),
  created_at: Time,
  last_used_at: Time.nullable(),
  synced: z.boolean().meta({
    description: "backup eligible: synced between the user's devices",
  }),
  backed_up: z.boolean(),
});

export const FactorsAnswer = z.strictObject({
  totp: z.strictObject({
    enabled: z.boolean(),
    since: Time.nullable(),
  }),
  recovery_codes: z.strictObject({
    unused: z.int(),
    total: z.int(),
  }),
  passkeys: z.array(PasskeyAnswer),
});

export const ConsentAnswer = z.strictObject({
  client_id: z.string(),
  client_name: z.string(),
  scopes: z.array(z.string()),
  created_at: Time,
  updated_at: Time,
});

export const SessionAnswer = z.strictObject({
  id: z.string(),
  user_id: z.string().nullable(),
  username: z.string().nullable(),
  auth_time: Time,
  created_at: Time,
  last_seen_at: Time,
  expires_at: Time,
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
});

export const AuditEventAnswer = z.strictObject({
  id: z.string(),
  actor: z.string().meta({ description: "admin-token or admin-session" }),
  action: z.string().meta({ description: "e.g. client.created" }),
  target_type: z.string(),
  target_id: z.string().nullable(),
  ip: z.string().nullable(),
  detail: z.record(z.string(), JSONValue),
  created_at: Time,
});

export const AuditPageAnswer = z.strictObject({
  events: z.array(AuditEventAnswer).meta({ description: "newest first" }),
  next_before: z.string().nullable().meta({
    description: "pass as `before` for the next (older) page; null on the " +
      "last page",
  }),
});

/** GET /dev/seed. */
export const SeedAnswer = z.strictObject({
  ok: z.literal(true),
  users: z.array(
    z.strictObject({ username: z.string(), created: z.boolean() }),
  ),
  clients: z.array(
    z.strictObject({ client_id: z.string(), created: z.boolean() }),
  ),
});

/** GET /dev/pkce (RFC 7636 §4.1, §4.2). */
export const PKCEAnswer = z.strictObject({
  code_verifier: z.string(),
  code_challenge: z.string(),
  method: z.enum(PKCE_METHODS),
});

/** POST /dev/create_client. */
export const RegisteredClientAnswer = z.strictObject({
  client_id: z.string(),
  client_secret: z.string().optional().meta({
    description: "confidential clients only; shown this once",
  }),
  client_name: z.string(),
  redirect_uris: z.array(z.string()),
  grant_types: z.array(z.enum(GRANT_TYPES)),
  response_types: z.array(z.enum(RESPONSE_TYPES)),
  scope: z.string(),
  token_endpoint_auth_method: z.enum(AUTH_METHODS),
});

export const ResourceAnswer = z.strictObject({
  identifier: z.string().meta({
    description: "RFC 8707 resource indicator: an absolute URI, no fragment",
  }),
  name: z.string(),
  scopes: z.array(z.string()),
  token_format: z.enum(TOKEN_FORMATS).nullable(),
  access_token_lifetime: z.int().nullable(),
  is_default: z.boolean(),
  server_client_id: z.string().nullable(),
  created_at: Time,
  updated_at: Time,
});

export const RegistrationSettingsAnswer = z.strictObject({
  public_clients: z.enum(REGISTRATION_POLICIES),
  confidential_clients: z.enum(REGISTRATION_POLICIES),
  metadata_documents: z.boolean(),
  allowed_hosts: z.array(z.string()),
  denied_hosts: z.array(z.string()),
  min_cache_seconds: z.int(),
  max_cache_seconds: z.int(),
  pinned: z.array(z.string()).meta({
    description: "settings fixed by environment variables",
  }),
});

export const InitialAccessTokenAnswer = z.strictObject({
  id: z.string(),
  description: z.string(),
  expires_at: Time,
  uses_left: z.int(),
  created_at: Time,
});

export const IssuedInitialAccessTokenAnswer = InitialAccessTokenAnswer.extend({
  token: z.string().meta({ description: "shown this once; stored as a hash" }),
});

export const AccountSettingsAnswer = z.strictObject({
  editable_claims: z.array(z.string()).meta({
    description:
      "claims people may edit on /account (email included when listed)",
  }),
  registration: z.enum(REGISTRATION_MODES).meta({
    description: "REGISTRATION, from the environment",
  }),
  mail: z.boolean().meta({
    description: "whether SMTP_URL and MAIL_FROM are set",
  }),
});

export const InviteAnswer = z.strictObject({
  id: z.string(),
  email: z.string().nullable(),
  created_by: z.string(),
  created_at: Time,
  expires_at: Time,
});

export const IssuedInviteAnswer = z.strictObject({
  ...InviteAnswer.shape,
  url: z.string().meta({
    description: "the registration link to hand out; shown this once",
  }),
  mailed: z.boolean().meta({
    description: "whether it was mailed to `email`",
  }),
});

export const MailSentAnswer = z.strictObject({
  to: z.string().meta({ description: "the address the mail went to" }),
});

const Hex = z.string().meta({ description: "#rrggbb" });

export const BrandingAnswer = z.strictObject({
  name: z.string().nullable().meta({
    description: "the product name; null: the default",
  }),
  accent_color: z.string().nullable().meta({
    description: "#rrggbb; null: the built-in accent",
  }),
  support_url: z.string().nullable().meta({
    description: "https: or mailto:; null: none",
  }),
  logo: z.strictObject({
    content_type: z.enum(LOGO_TYPES),
    bytes: z.int(),
    sha256: z.string().meta({ description: "hex SHA-256 of the image" }),
    url: z.string().meta({
      description: "where pages load it: this server's /branding/logo",
    }),
    source_url: z.string().nullable().meta({
      description: "the https URL it was fetched from, if any",
    }),
    updated_at: Time,
  }).nullable(),
  palette: z.strictObject({
    accent: Hex,
    hover: Hex,
    soft: Hex,
    on_accent: Hex,
  }).nullable().meta({
    description: "the colours pages derive from the accent",
  }),
});

// Compile-time: each schema describes exactly the view its module answers
// (a drift is a type error here).
type Same<A, B> = [A] extends [B] ? [B] extends [A] ? true : false : false;
type Holds<T extends true> = T;
type Out<S extends z.ZodType> = z.output<S>;
type Keys<S extends z.ZodType> = keyof z.output<S>;
/** Type-level checks only (exported so they are compiled, not unused). */
export type ViewChecks = [
  Holds<Same<Out<typeof ScopeAnswer>, ScopeView>>,
  Holds<
    Same<Out<typeof ClientAnswer>["client_type"], ClientView["client_type"]>
  >,
  Holds<Same<Keys<typeof ClientAnswer>, keyof ClientView>>,
  Holds<Same<Keys<typeof ClientDetailAnswer>, keyof ClientDetail>>,
  Holds<Same<Keys<typeof ClientWithSecretAnswer>, keyof ClientWithSecret>>,
  Holds<Same<Keys<typeof PolicyAnswer>, keyof PolicyView>>,
  Holds<Same<Out<typeof ResourceAnswer>, ResourceView>>,
  Holds<Same<Out<typeof RegistrationSettingsAnswer>, RegistrationSettingsView>>,
  Holds<Same<Out<typeof InitialAccessTokenAnswer>, InitialAccessTokenView>>,
  Holds<Same<Keys<typeof KeyAnswer>, keyof KeyView>>,
  Holds<Same<Keys<typeof UserAnswer>, keyof UserView>>,
  Holds<Same<Out<typeof AccountSettingsAnswer>, AccountSettingsView>>,
  Holds<Same<Out<typeof InviteAnswer>, InviteView>>,
  Holds<Same<Out<typeof IssuedInviteAnswer>, IssuedInvite>>,
  Holds<Same<Out<typeof MailSentAnswer>, MailSent>>,
  Holds<Same<Out<typeof BrandingAnswer>, BrandingView>>,
  Holds<Same<Out<typeof ConsentAnswer>, ConsentView>>,
  Holds<Same<Out<typeof SessionAnswer>, SessionView>>,
  Holds<Same<Keys<typeof AuditEventAnswer>, keyof AuditEventView>>,
  Holds<Same<Keys<typeof AuditPageAnswer>, keyof AuditPage>>,
  Holds<Same<Keys<typeof RegisteredClientAnswer>, keyof RegisteredClient>>,
];

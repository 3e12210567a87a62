/**
 * Every admin JSON API operation (and the /dev/* helpers), described by the
 * zod schemas that validate its input and the ones that describe its answer.
 * lib/admin/openapi/document.ts turns this table into OpenAPI 3.1;
 * tests/admin/openapi_test.ts checks it against the route manifest both ways
 * and sends each operation's example.
 * @module
 */
import { z } from "zod";
import { ClientMetadata } from "../../oauth/clients/metadata.ts";
import { DEFAULT_GRANT_TYPES } from "../../oauth/vocabulary.ts";
import {
  AccountSettingsUpdate,
  AuditQuery,
  BrandingUpdate,
  ClientUpdate,
  DeleteKeyQuery,
  InitialAccessTokenCreate,
  InviteCreate,
  LogoSet,
  PasswordReset,
  PolicyUpdate,
  RegistrationSettingsUpdate,
  ResourceCreate,
  ResourceUpdate,
  RotateKey,
  ScopeInput,
  SessionsQuery,
  UserCreate,
  UserUpdate,
} from "../schemas.ts";
import {
  AccountSettingsAnswer,
  AuditPageAnswer,
  BrandingAnswer,
  ClientAnswer,
  ClientDetailAnswer,
  ClientSecretAnswer,
  ClientWithSecretAnswer,
  ConsentAnswer,
  FactorsAnswer,
  InitialAccessTokenAnswer,
  InviteAnswer,
  IssuedInitialAccessTokenAnswer,
  IssuedInviteAnswer,
  KeyAnswer,
  MailSentAnswer,
  PKCEAnswer,
  PolicyAnswer,
  RegisteredClientAnswer,
  RegistrationSettingsAnswer,
  ResourceAnswer,
  RotatedKeyAnswer,
  ScopeAnswer,
  SeedAnswer,
  SessionAnswer,
  UserAnswer,
} from "./responses.ts";

export type Method = "get" | "post" | "put" | "patch" | "delete";
export type SuccessStatus = 200 | 201 | 204;
/** Failures an operation can answer besides the ones every operation can. */
export type ErrorStatus = 400 | 404 | 409;

export interface Answer {
  description: string;
  /** The JSON body; none for 204. */
  schema?: z.ZodType;
}

export interface AdminOperation {
  method: Method;
  /** OpenAPI form: `/admin/clients/{client_id}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  query?: z.ZodObject;
  /** Query parameters of the example request. */
  queryExample?: Record<string, string | number | boolean>;
  body?: {
    schema: z.ZodType;
    /** Whether the body may be omitted (it then reads as `{}`). */
    optional?: boolean;
    example: Record<string, unknown>;
  };
  answers: Partial<Record<SuccessStatus, Answer>>;
  errors?: ErrorStatus[];
  /**
   * `dev`: a /dev/* helper, served only with ENABLE_DEV_ENDPOINTS=true and
   * only to the admin token (no session).
   */
  area?: "dev";
}

/** The document itself (GET /admin/openapi.json). */
export const OPENAPI_PATH = "/admin/openapi.json";

const ok = (description: string, schema?: z.ZodType): Answer => ({
  description,
  schema,
});

const CLIENT_EXAMPLE = {
  client_id: "billing",
  client_name: "Billing",
  redirect_uris: ["https://billing.example.com/callback"],
  token_endpoint_auth_method: "client_secret_basic",
  grant_types: [...DEFAULT_GRANT_TYPES],
  scope: "openid profile email offline_access",
};

export const ADMIN_OPERATIONS: AdminOperation[] = [
  // Scopes
  {
    method: "get",
    path: "/admin/scopes",
    operationId: "listScopes",
    tag: "scopes",
    summary: "List scopes, by name",
    answers: { 200: ok("the scopes", z.array(ScopeAnswer)) },
  },
  {
    method: "post",
    path: "/admin/scopes",
    operationId: "upsertScope",
    tag: "scopes",
    summary: "Create or update a scope",
    description:
      "On an existing scope an omitted field keeps its value; a new scope " +
      "defaults to an empty description and no claims.",
    body: {
      schema: ScopeInput,
      example: {
        name: "files.read",
        description: "Read your files",
        claims: ["files"],
      },
    },
    answers: {
      201: ok("created", ScopeAnswer),
      200: ok("updated", ScopeAnswer),
    },
    errors: [400],
  },
  {
    method: "get",
    path: "/admin/scopes/{name}",
    operationId: "getScope",
    tag: "scopes",
    summary: "Read a scope",
    answers: { 200: ok("the scope", ScopeAnswer) },
    errors: [404],
  },
  {
    method: "delete",
    path: "/admin/scopes/{name}",
    operationId: "deleteScope",
    tag: "scopes",
    summary: "Delete a scope no policy uses",
    description: "409 for a built-in OpenID Connect scope (openid, " +
      "profile, email, offline_access) or one still in a policy's allowed " +
      "or default scopes (`clients` lists them).",
    answers: { 204: ok("deleted") },
    errors: [404, 409],
  },
  // API resources
  {
    method: "get",
    path: "/admin/resources",
    operationId: "listResources",
    tag: "resources",
    summary: "List API resources, by identifier",
    answers: { 200: ok("the resources", z.array(ResourceAnswer)) },
  },
  {
    method: "post",
    path: "/admin/resources",
    operationId: "createResource",
    tag: "resources",
    summary: "Register an API resource (RFC 8707 resource indicator)",
    description: "Scopes the resource defines that do not exist yet are " +
      "created. server_client_id must name a confidential client; it may " +
      "introspect tokens for this resource. is_default makes every other " +
      "resource not the default. 409 when the identifier is taken.",
    body: {
      schema: ResourceCreate,
      example: {
        identifier: "https://mcp.example.com/mcp",
        name: "Example MCP server",
        scopes: ["mcp:tools"],
      },
    },
    answers: { 201: ok("created", ResourceAnswer) },
    errors: [400, 409],
  },
  {
    method: "get",
    path: "/admin/resources/{identifier}",
    operationId: "getResource",
    tag: "resources",
    summary: "Read an API resource (identifier percent-encoded)",
    answers: { 200: ok("the resource", ResourceAnswer) },
    errors: [404],
  },
  {
    method: "patch",
    path: "/admin/resources/{identifier}",
    operationId: "updateResource",
    tag: "resources",
    summary: "Change an API resource",
    description: "Any of these fields; the rest keep their values.",
    body: {
      schema: ResourceUpdate,
      example: { name: "Renamed API", access_token_lifetime: 600 },
    },
    answers: { 200: ok("updated", ResourceAnswer) },
    errors: [400, 404],
  },
  {
    method: "delete",
    path: "/admin/resources/{identifier}",
    operationId: "deleteResource",
    tag: "resources",
    summary: "Delete an API resource",
    description: "Tokens already issued for it keep their audience until " +
      "they expire; no new ones are issued for it.",
    answers: { 204: ok("deleted") },
    errors: [404],
  },
  // Self-registration
  {
    method: "get",
    path: "/admin/registration",
    operationId: "getRegistrationSettings",
    tag: "registration",
    summary: "Read the self-registration policy",
    answers: { 200: ok("the policy in force", RegistrationSettingsAnswer) },
  },
  {
    method: "post",
    path: "/admin/registration",
    operationId: "updateRegistrationSettings",
    tag: "registration",
    summary: "Change the self-registration policy",
    description: "Any of these fields; the rest keep their values. 409 for " +
      "a setting an environment variable pins (REGISTRATION_PUBLIC_CLIENTS, " +
      "REGISTRATION_CONFIDENTIAL_CLIENTS, CLIENT_METADATA_DOCUMENTS).",
    body: {
      schema: RegistrationSettingsUpdate,
      example: { confidential_clients: "off", denied_hosts: ["evil.example"] },
    },
    answers: { 200: ok("the policy in force", RegistrationSettingsAnswer) },
    errors: [400, 409],
  },
  {
    method: "get",
    path: "/admin/registration/tokens",
    operationId: "listInitialAccessTokens",
    tag: "registration",
    summary: "List initial access tokens (RFC 7591 §3), newest first",
    answers: { 200: ok("the tokens", z.array(InitialAccessTokenAnswer)) },
  },
  {
    method: "post",
    path: "/admin/registration/tokens",
    operationId: "issueInitialAccessToken",
    tag: "registration",
    summary: "Issue an initial access token",
    description: "The token is in this answer only; it is stored as a hash.",
    body: {
      schema: InitialAccessTokenCreate,
      optional: true,
      example: { description: "partner", uses: 5, expires_in: 86400 },
    },
    answers: {
      201: ok("issued; the token this once", IssuedInitialAccessTokenAnswer),
    },
    errors: [400],
  },
  {
    method: "delete",
    path: "/admin/registration/tokens/{id}",
    operationId: "revokeInitialAccessToken",
    tag: "registration",
    summary: "Revoke an initial access token",
    answers: { 204: ok("revoked") },
    errors: [404],
  },
  // Clients
  {
    method: "get",
    path: "/admin/clients",
    operationId: "listClients",
    tag: "clients",
    summary: "List clients",
    answers: { 200: ok("the clients", z.array(ClientAnswer)) },
  },
  {
    method: "post",
    path: "/admin/clients",
    operationId: "createClient",
    tag: "clients",
    summary: "Register a client with its policy",
    description:
      "RFC 7591-style metadata plus policy fields; every scope must exist. " +
      "An empty or missing client_id generates one. A confidential " +
      "client's secret is answered this once.",
    body: { schema: ClientMetadata, example: CLIENT_EXAMPLE },
    answers: { 201: ok("created", ClientWithSecretAnswer) },
    errors: [400, 409],
  },
  {
    method: "get",
    path: "/admin/clients/{client_id}",
    operationId: "getClient",
    tag: "clients",
    summary: "Read a client and its policy",
    answers: { 200: ok("the client", ClientDetailAnswer) },
    errors: [404],
  },
  ...(["put", "patch"] as const).map((method): AdminOperation => ({
    method,
    path: "/admin/clients/{client_id}",
    operationId: method === "put" ? "putClient" : "patchClient",
    tag: "clients",
    summary: "Update client fields (partial, like PATCH)",
    description:
      "A client made confidential without a secret gets one (answered " +
      "once); made public, it loses its secret and its policy gets " +
      "require_pkce: true.",
    body: {
      schema: ClientUpdate,
      example: { client_name: "Billing (production)" },
    },
    answers: { 200: ok("the updated client", ClientWithSecretAnswer) },
    errors: [400, 404],
  })),
  {
    method: "delete",
    path: "/admin/clients/{client_id}",
    operationId: "deleteClient",
    tag: "clients",
    summary: "Delete a client",
    description: "Its policy, codes, tokens and consents go with it.",
    answers: { 204: ok("deleted") },
    errors: [404],
  },
  {
    method: "post",
    path: "/admin/clients/{client_id}/secret",
    operationId: "rotateClientSecret",
    tag: "clients",
    summary: "Replace a confidential client's secret",
    description: "The old secret fails at once. 400 for a public client.",
    answers: { 200: ok("the new secret, shown once", ClientSecretAnswer) },
    errors: [400, 404],
  },
  {
    method: "get",
    path: "/admin/clients/{client_id}/policy",
    operationId: "getPolicy",
    tag: "clients",
    summary: "Read a client's policy",
    answers: { 200: ok("the policy", PolicyAnswer) },
    errors: [404],
  },
  {
    method: "post",
    path: "/admin/clients/{client_id}/policy",
    operationId: "updatePolicy",
    tag: "clients",
    summary: "Update a client's policy (partial)",
    description: "Scopes must exist; default_scopes within allowed_scopes; " +
      "post-logout URIs are checked like redirect URIs; public clients " +
      "keep PKCE. The next /authorize and /token read it.",
    body: {
      schema: PolicyUpdate,
      example: {
        allowed_scopes: "openid profile email offline_access",
        default_scopes: "openid profile email",
        consent_policy: "once",
        access_token_lifetime: 3600,
      },
    },
    answers: { 200: ok("the new policy", PolicyAnswer) },
    errors: [400, 404],
  },
  // Signing keys
  {
    method: "get",
    path: "/admin/keys",
    operationId: "listKeys",
    tag: "keys",
    summary: "List signing keys, active first",
    answers: { 200: ok("the keys (public members only)", z.array(KeyAnswer)) },
  },
  ...(["/admin/keys/rotate", "/admin/rotate_jwk"] as const).map((
    path,
  ): AdminOperation => ({
    method: "post",
    path,
    operationId: path === "/admin/keys/rotate" ? "rotateKey" : "rotateJWK",
    tag: "keys",
    summary: path === "/admin/keys/rotate"
      ? "Rotate the signing key of an algorithm"
      : "Rotate the signing key (the seed's route, same as /admin/keys/rotate)",
    description: "Creates a new key, published in the JWKS at once; it " +
      "signs from activates_at (after the JWKS max-age), when the previous " +
      "key of that alg retires and stays in the JWKS. The first key of an " +
      "alg signs at once. No body rotates RS256.",
    body: { schema: RotateKey, optional: true, example: { alg: "ES256" } },
    answers: {
      200: ok(
        "the new public JWK, its status and activates_at",
        RotatedKeyAnswer,
      ),
    },
    errors: [400],
  })),
  {
    method: "post",
    path: "/admin/keys/{kid}/retire",
    operationId: "retireKey",
    tag: "keys",
    summary: "Retire an active or pending key (it stays in the JWKS)",
    description: "409 when already retired or the last RS256 key. Retiring " +
      "a pending key keeps the old one signing; retiring the signing key " +
      "while a pending one waits makes that one sign at once.",
    answers: { 200: ok("the key, now retired", KeyAnswer) },
    errors: [404, 409],
  },
  {
    method: "delete",
    path: "/admin/keys/{kid}",
    operationId: "deleteKey",
    tag: "keys",
    summary: "Delete a retired key (it leaves the JWKS)",
    description: "409 while active, or retired less than 24 h ago unless " +
      "force=true (`deletable_at` says when).",
    query: DeleteKeyQuery,
    queryExample: { force: "true" },
    answers: { 204: ok("deleted") },
    errors: [400, 404, 409],
  },
  // Users
  {
    method: "get",
    path: "/admin/users",
    operationId: "listUsers",
    tag: "users",
    summary: "List users, by username",
    answers: { 200: ok("the users", z.array(UserAnswer)) },
  },
  {
    method: "post",
    path: "/admin/users",
    operationId: "createUser",
    tag: "users",
    summary: "Create a user",
    description: "409 when the username is taken (ignoring case).",
    body: {
      schema: UserCreate,
      example: {
        username: "carol",
        password: "correct horse battery",
        email: "carol@example.com",
        claims: { name: "Carol Example" },
      },
    },
    answers: { 201: ok("created", UserAnswer) },
    errors: [400, 409],
  },
  {
    method: "get",
    path: "/admin/users/{user_id}",
    operationId: "getUser",
    tag: "users",
    summary: "Read a user",
    answers: { 200: ok("the user", UserAnswer) },
    errors: [404],
  },
  {
    method: "patch",
    path: "/admin/users/{user_id}",
    operationId: "updateUser",
    tag: "users",
    summary:
      "Update a user (email, claims, lock with a reason, must change password)",
    description: "A changed email is unverified unless email_verified comes " +
      "with it; claims replaces the object. disabled: true locks the user " +
      "out (lock_reason says why, for admins): it ends their sessions and " +
      "revokes all their tokens; disabled: false unlocks and clears the " +
      "reason. must_change_password: true makes the next sign-in set a " +
      "new password first.",
    body: {
      schema: UserUpdate,
      example: { disabled: true, lock_reason: "laptop reported stolen" },
    },
    answers: { 200: ok("the user", UserAnswer) },
    errors: [400, 404],
  },
  {
    method: "delete",
    path: "/admin/users/{user_id}",
    operationId: "deleteUser",
    tag: "users",
    summary: "Delete a user",
    description: "Sessions, codes, tokens and consents go with it.",
    answers: { 204: ok("deleted") },
    errors: [404],
  },
  {
    method: "post",
    path: "/admin/users/{user_id}/password",
    operationId: "setUserPassword",
    tag: "users",
    summary: "Set a user's password",
    description: "Ends their sessions and revokes their tokens.",
    body: {
      schema: PasswordReset,
      example: { password: "a new long passphrase" },
    },
    answers: { 200: ok("the user", UserAnswer) },
    errors: [400, 404],
  },
  {
    method: "post",
    path: "/admin/users/{user_id}/reset_mail",
    operationId: "sendUserResetMail",
    tag: "users",
    summary: "Mail the user a password reset link",
    description: "The link works once, for 30 minutes. 409 when mail is " +
      "not configured or the user has no email address.",
    answers: { 200: ok("queued", MailSentAnswer) },
    errors: [404, 409],
  },
  {
    method: "post",
    path: "/admin/users/{user_id}/verification_mail",
    operationId: "sendUserVerificationMail",
    tag: "users",
    summary: "Mail the user a link confirming their email address",
    description: "email_verified becomes true when they open it. 409 when " +
      "mail is not configured, the user has no address or it is confirmed.",
    answers: { 200: ok("queued", MailSentAnswer) },
    errors: [404, 409],
  },
  {
    method: "get",
    path: "/admin/users/{user_id}/factors",
    operationId: "getUserFactors",
    tag: "users",
    summary: "A user's second factors and passkeys",
    description:
      "Whether the authenticator app (TOTP) is on, how many recovery codes " +
      "are left, and the passkeys with their names and last use. No secret " +
      "is ever answered.",
    answers: { 200: ok("the factors", FactorsAnswer) },
    errors: [404],
  },
  {
    method: "post",
    path: "/admin/users/{user_id}/factors/reset",
    operationId: "resetUserSecondFactor",
    tag: "users",
    summary: "Reset a user's second factor",
    description:
      "For someone who lost their device: removes the authenticator app, " +
      "every passkey and the recovery codes, and ends the user's sessions.",
    answers: { 200: ok("the factors, now empty", FactorsAnswer) },
    errors: [404],
  },
  {
    method: "delete",
    path: "/admin/users/{user_id}/passkeys/{credential_id}",
    operationId: "deleteUserPasskey",
    tag: "users",
    summary: "Delete one of a user's passkeys",
    answers: { 204: ok("deleted") },
    errors: [404],
  },
  {
    method: "get",
    path: "/admin/users/{user_id}/consents",
    operationId: "listUserConsents",
    tag: "users",
    summary: "List the consents a user has given",
    answers: { 200: ok("the consents", z.array(ConsentAnswer)) },
    errors: [404],
  },
  {
    method: "delete",
    path: "/admin/users/{user_id}/consents/{client_id}",
    operationId: "revokeUserConsent",
    tag: "users",
    summary: "Revoke a user's consent to a client",
    description: "Also revokes the user's tokens for that client.",
    answers: { 204: ok("revoked") },
    errors: [404],
  },
  // Accounts: settings and invitations
  {
    method: "get",
    path: "/admin/account_settings",
    operationId: "getAccountSettings",
    tag: "accounts",
    summary: "Read the account settings",
    answers: { 200: ok("the settings", AccountSettingsAnswer) },
  },
  {
    method: "patch",
    path: "/admin/account_settings",
    operationId: "updateAccountSettings",
    tag: "accounts",
    summary: "Choose which claims people may edit on /account",
    description: "Protocol claims (sub, email_verified, …) cannot be " +
      "listed; email can (a new address is unverified until confirmed).",
    body: {
      schema: AccountSettingsUpdate,
      example: { editable_claims: ["name", "nickname", "email"] },
    },
    answers: { 200: ok("the settings", AccountSettingsAnswer) },
    errors: [400],
  },
  {
    method: "get",
    path: "/admin/invites",
    operationId: "listInvites",
    tag: "accounts",
    summary: "List the invitations still usable, newest first",
    answers: { 200: ok("the invitations", z.array(InviteAnswer)) },
  },
  {
    method: "post",
    path: "/admin/invites",
    operationId: "createInvite",
    tag: "accounts",
    summary: "Issue an invitation to register (REGISTRATION=invite)",
    description: "The link works once (7 days unless expires_in_days). " +
      "With email, only that address can register with it, and it is " +
      "mailed there when mail is on. 409 unless REGISTRATION=invite.",
    body: {
      schema: InviteCreate,
      optional: true,
      example: { email: "dana@example.com", expires_in_days: 3 },
    },
    answers: { 201: ok("issued", IssuedInviteAnswer) },
    errors: [400, 409],
  },
  {
    method: "delete",
    path: "/admin/invites/{invite_id}",
    operationId: "withdrawInvite",
    tag: "accounts",
    summary: "Withdraw an invitation",
    answers: { 204: ok("withdrawn") },
    errors: [404],
  },
  // Branding
  {
    method: "get",
    path: "/admin/branding",
    operationId: "getBranding",
    tag: "branding",
    summary: "Read the branding (name, accent, support link, logo)",
    answers: { 200: ok("the branding", BrandingAnswer) },
  },
  {
    method: "patch",
    path: "/admin/branding",
    operationId: "updateBranding",
    tag: "branding",
    summary: "Set the product name, accent colour or support link",
    description: "Fields left out keep their value; null restores the " +
      "default. The name refuses <, > and control or invisible formatting " +
      "characters; the accent must be #rgb/#rrggbb with WCAG AA contrast " +
      "(4.5:1) on the pages' light backgrounds and under white button text " +
      "(a refusal suggests a darker shade that passes); the support link " +
      "must be https: or mailto:. Every page shows the change on the next " +
      "request.",
    body: {
      schema: BrandingUpdate,
      example: {
        name: "Example Sign-in",
        accent_color: "#0b6e4f",
        support_url: "mailto:help@example.com",
      },
    },
    answers: { 200: ok("the branding", BrandingAnswer) },
    errors: [400],
  },
  {
    method: "put",
    path: "/admin/branding/logo",
    operationId: "setLogo",
    tag: "branding",
    summary: "Set the logo: an image (base64) or an https URL fetched once",
    description: "PNG, WebP or SVG, at most 128 KiB, the type read from " +
      "the bytes. A URL is fetched once through the server's outbound " +
      "fetcher (no private addresses, no redirects) and the image is kept; " +
      "pages only ever load the logo from this server. SVG carrying " +
      "script, event handlers, foreignObject, entities or outside " +
      "references is refused, and every logo is served with " +
      "`Content-Security-Policy: default-src 'none'; style-src " +
      "'unsafe-inline'; sandbox`.",
    body: {
      schema: LogoSet,
      example: {
        data:
          "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAxMCAxMCI+PGNpcmNsZSBjeD0iNSIgY3k9IjUiIHI9IjQiLz48L3N2Zz4=",
      },
    },
    answers: { 200: ok("the branding", BrandingAnswer) },
    errors: [400],
  },
  {
    method: "delete",
    path: "/admin/branding/logo",
    operationId: "removeLogo",
    tag: "branding",
    summary: "Remove the logo (pages show the name alone)",
    answers: { 200: ok("the branding", BrandingAnswer) },
  },
  // Sessions and audit
  {
    method: "get",
    path: "/admin/sessions",
    operationId: "listSessions",
    tag: "sessions",
    summary: "List live user sessions, newest first",
    query: SessionsQuery,
    answers: { 200: ok("the sessions", z.array(SessionAnswer)) },
    errors: [400],
  },
  {
    method: "delete",
    path: "/admin/sessions/{session_id}",
    operationId: "endSession",
    tag: "sessions",
    summary: "End a user session (the user signs in again)",
    answers: { 204: ok("ended") },
    errors: [404],
  },
  {
    method: "get",
    path: "/admin/audit",
    operationId: "listAuditEvents",
    tag: "audit",
    summary: "Page through the audit log, newest first",
    query: AuditQuery,
    queryExample: { limit: 20, target_type: "client" },
    answers: { 200: ok("one page", AuditPageAnswer) },
    errors: [400],
  },
  {
    method: "get",
    path: OPENAPI_PATH,
    operationId: "getOpenAPI",
    tag: "meta",
    summary: "This OpenAPI 3.1 description of the admin API",
    answers: {
      200: ok(
        "the document (also committed as docs/openapi.json)",
        z.looseObject({
          openapi: z.string(),
          paths: z.record(z.string(), z.json()),
        }),
      ),
    },
  },
  // Development helpers
  {
    method: "get",
    path: "/dev/seed",
    operationId: "devSeed",
    tag: "dev",
    area: "dev",
    summary: "Seed demo users (alice, bob) and the client demo-web",
    description: "Idempotent: what exists is left as it is.",
    answers: { 200: ok("what was created", SeedAnswer) },
  },
  {
    method: "get",
    path: "/dev/pkce",
    operationId: "devPKCE",
    tag: "dev",
    area: "dev",
    summary: "Make a PKCE verifier and its S256 challenge",
    answers: { 200: ok("a fresh pair", PKCEAnswer) },
  },
  {
    method: "post",
    path: "/dev/create_client",
    operationId: "devCreateClient",
    tag: "dev",
    area: "dev",
    summary: "Register a client (the seed's quick route)",
    body: {
      schema: ClientMetadata,
      example: { ...CLIENT_EXAMPLE, client_id: "my-app" },
    },
    answers: {
      201: ok("created; the secret this once", RegisteredClientAnswer),
    },
    errors: [400, 409],
  },
];

/**
 * Table types for Kysely. Columns use types both engines return alike:
 * text, and integer epoch seconds / 0-1 flags (PostgreSQL bigint is parsed to
 * number by the pool). JSON lists are stored as text.
 * @module
 */
import type {
  ColumnType,
  Insertable,
  Kysely,
  Selectable,
  Updateable,
} from "kysely";

/** Epoch seconds. */
export type Epoch = number;
/** 0 or 1. */
export type Flag = 0 | 1;

export interface ServerSettingsTable {
  key: string;
  value: string;
  updated_at: Epoch;
}

export interface UsersTable {
  id: string;
  /** As entered (shown). */
  username: string;
  /** RFC 8265 UsernameCaseMapped form (lib/username.ts); unique, compared. */
  username_canonical: string;
  password_hash: string;
  email: string | null;
  email_verified: ColumnType<Flag, Flag | undefined, Flag>;
  /** JSON object of extra OIDC claims (name, given_name, …). */
  claims: ColumnType<string, string | undefined, string>;
  /** Locked: no sign-in (the admin's "lock", with `lock_reason`). */
  disabled: ColumnType<Flag, Flag | undefined, Flag>;
  created_at: Epoch;
  updated_at: Epoch;
  /** Why the admin locked the account (shown to admins only). */
  lock_reason: ColumnType<string | null, string | null | undefined>;
  locked_at: ColumnType<Epoch | null, Epoch | null | undefined>;
  /** The next sign-in must set a new password before anything else. */
  must_change_password: ColumnType<Flag, Flag | undefined, Flag>;
  /** Self-registered with mail on: no sign-in until the email is verified. */
  verify_before_sign_in: ColumnType<Flag, Flag | undefined, Flag>;
}

/** What an account token is for (lib/accounts/tokens.ts). */
export type AccountTokenPurpose = "verify_email" | "reset_password" | "invite";

export interface AccountTokensTable {
  /** Public handle (invites are listed and revoked by it). */
  id: string;
  /** SHA-256 of the token the link carries (base64url). */
  token_hash: string;
  purpose: AccountTokenPurpose;
  /** The account it acts on (null: an invite). */
  user_id: string | null;
  /** The address it was sent to or is bound to. */
  email: string | null;
  /** `user:<id>`, `admin-token`, `admin-session`, … */
  created_by: string;
  created_at: Epoch;
  expires_at: Epoch;
  /** Set when used: single use. */
  consumed_at: Epoch | null;
}

export interface ClientsTable {
  client_id: string;
  client_name: string;
  /** SHA-256 of the secret (base64url); null for public clients. */
  client_secret_hash: string | null;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  /** Space-separated. */
  grant_types: string;
  response_types: string;
  scope: string;
  token_endpoint_auth_method: string;
  require_consent: Flag;
  created_at: Epoch;
  updated_at: Epoch;
  /** admin | dynamic (RFC 7591) | metadata_document (its URL is its id). */
  registration_type: ColumnType<string, string | undefined, string>;
  disabled: ColumnType<Flag, Flag | undefined, Flag>;
  /** OIDC DCR application_type (web | native); null: not stated. */
  application_type: ColumnType<
    string | null,
    string | null | undefined,
    string | null
  >;
  /** RFC 7592: SHA-256 of the registration access token. */
  registration_access_token_hash: ColumnType<
    string | null,
    string | null | undefined,
    string | null
  >;
  /** A metadata document client: when its document was fetched. */
  metadata_fetched_at: ColumnType<
    Epoch | null,
    Epoch | null | undefined,
    Epoch | null
  >;
  /** A metadata document client: until when the fetched copy is fresh. */
  metadata_expires_at: ColumnType<
    Epoch | null,
    Epoch | null | undefined,
    Epoch | null
  >;
}

export interface ClientPoliciesTable {
  client_id: string;
  allowed_scopes: string;
  default_scopes: string;
  /** JSON array. */
  post_logout_redirect_uris: string;
  require_pkce: Flag;
  consent_policy: string;
  access_token_lifetime: number;
  refresh_token_ttl_days: number;
  token_format: string;
  id_token_signed_response_alg: string;
  /** Seconds a just-rotated refresh token still answers its successor (0: none). */
  refresh_reuse_grace_seconds: number;
  /** 1: every sign-in for this client needs a second factor. */
  require_second_factor: ColumnType<Flag, Flag | undefined, Flag>;
  updated_at: Epoch;
  /** The resource a request without `resource` is for (null: none). */
  default_resource: ColumnType<
    string | null,
    string | null | undefined,
    string | null
  >;
  /** Space-separated resources it may ask for; null: every one. */
  allowed_resources: ColumnType<
    string | null,
    string | null | undefined,
    string | null
  >;
}

export interface ApiResourcesTable {
  /** RFC 8707 §2: an absolute URI without a fragment. */
  identifier: string;
  name: string;
  /** Space-separated scopes this resource defines. */
  scopes: string;
  /** opaque | jwt; null: the client's policy decides. */
  token_format: string | null;
  /** Seconds; null: the client's policy decides. */
  access_token_lifetime: number | null;
  /** Tokens asked for without `resource` (and no client default) are for it. */
  is_default: Flag;
  /** The confidential client that is this resource's server (introspects). */
  server_client_id: string | null;
  created_at: Epoch;
  updated_at: Epoch;
}

export interface InitialAccessTokensTable {
  id: string;
  /** SHA-256 of the token (RFC 7591 §3). */
  token_hash: string;
  description: string;
  expires_at: Epoch;
  uses_left: number;
  created_at: Epoch;
}

export interface ScopesTable {
  name: string;
  description: string;
  /** JSON array of claim names. */
  claims: string;
  created_at: Epoch;
  updated_at: Epoch;
}

export interface AuthorizationCodesTable {
  code_hash: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scope: string;
  code_challenge: string | null;
  code_challenge_method: string | null;
  nonce: string | null;
  auth_time: Epoch;
  session_id: string | null;
  expires_at: Epoch;
  consumed_at: Epoch | null;
  created_at: Epoch;
  /** How the user authenticated (RFC 8176 values, space-separated). */
  amr: ColumnType<string, string | undefined, string>;
  /** The authentication context class answered in the ID token. */
  acr: ColumnType<string | null, string | null | undefined, string | null>;
  /** RFC 8707 resources asked for (space-separated); null: none. */
  resources: string | null;
}

export interface AccessTokensTable {
  token_hash: string;
  grant_id: string | null;
  client_id: string;
  user_id: string | null;
  scope: string;
  /** JWT id for JWT access tokens (the hash is of the JWT itself). */
  jti: string | null;
  expires_at: Epoch;
  revoked_at: Epoch | null;
  created_at: Epoch;
  /** The sign-in session it was issued in (null: none, client_credentials). */
  session_id: string | null;
  /** Its audience: RFC 8707 resources (space-separated); null: the client. */
  resources: string | null;
}

export interface RefreshTokensTable {
  token_hash: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  auth_time: Epoch;
  session_id: string | null;
  expires_at: Epoch;
  /** Set when rotated; presenting it again is reuse. */
  consumed_at: Epoch | null;
  revoked_at: Epoch | null;
  created_at: Epoch;
  /** The scope the resource owner granted (RFC 6749 §6); `scope` may be narrower. */
  grant_scope: string;
  /** The successor's token response, sealed, kept through a reuse grace window. */
  successor: string | null;
  /** Until when `successor` may be answered again. */
  successor_until: Epoch | null;
  /** How the user authenticated for this grant (RFC 8176, space-separated). */
  amr: ColumnType<string, string | undefined, string>;
  acr: ColumnType<string | null, string | null | undefined, string | null>;
  /** The resources of the grant (RFC 8707 §2.2: refresh may narrow). */
  resources: string | null;
}

export interface ConsentsTable {
  user_id: string;
  client_id: string;
  /** Space-separated granted scopes. */
  scopes: string;
  created_at: Epoch;
  updated_at: Epoch;
}

export interface SessionsTable {
  id: string;
  /** SHA-256 of the session secret (base64url). */
  secret_hash: string;
  kind: "user" | "admin";
  user_id: string | null;
  auth_time: Epoch;
  ip: string | null;
  user_agent: string | null;
  created_at: Epoch;
  last_seen_at: Epoch;
  expires_at: Epoch;
  /**
   * How the person authenticated (RFC 8176 values, space-separated: pwd,
   * otp, hwk/swk, user, mfa); "" for admin sessions.
   */
  amr: ColumnType<string, string | undefined, string>;
  /** The authentication context class the methods reach (lib/accounts/factors/levels.ts). */
  acr: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface UserTOTPTable {
  user_id: string;
  /** The base32 secret, sealed with APP_SECRET (lib/security/sealed.ts). */
  secret_enc: string;
  /** Null while enrolment waits for its first code. */
  confirmed_at: Epoch | null;
  /** The last RFC 6238 time step accepted: each code is used once. */
  last_step: ColumnType<number, number | undefined, number>;
  created_at: Epoch;
  updated_at: Epoch;
}

export interface UserRecoveryCodesTable {
  user_id: string;
  /** SHA-256 of the normalised code. */
  code_hash: string;
  used_at: Epoch | null;
  created_at: Epoch;
}

export interface WebAuthnCredentialsTable {
  /** The credential ID, base64url (WebAuthn §6.1 credentialId). */
  credential_id: string;
  user_id: string;
  /** The person's name for it ("Work laptop"). */
  name: string;
  /** COSE public key, base64url. */
  public_key: string;
  /** The signature counter last seen (WebAuthn §6.1.1). */
  counter: number;
  /** JSON array of transports the browser reported. */
  transports: string;
  /** singleDevice or multiDevice (backup eligible). */
  device_type: string;
  /** WebAuthn BS flag: the credential is backed up (synced). */
  backed_up: Flag;
  aaguid: string;
  created_at: Epoch;
  last_used_at: Epoch | null;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  public_jwk: string;
  /** AES-GCM ciphertext of the private JWK, key derived from APP_SECRET. */
  private_jwk_enc: string;
  /**
   * "retired": stops signing at `retired_at` (a rotation sets it to the new
   * key's `activates_at`, so it may lie ahead).
   */
  status: "active" | "retired";
  created_at: Epoch;
  /** Signs from then on (published before); null: since `created_at`. */
  activates_at: Epoch | null;
  retired_at: Epoch | null;
}

export interface AuditEventsTable {
  id: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  ip: string | null;
  /** JSON object. */
  detail: string;
  created_at: Epoch;
}

export interface Database {
  server_settings: ServerSettingsTable;
  users: UsersTable;
  clients: ClientsTable;
  client_policies: ClientPoliciesTable;
  scopes: ScopesTable;
  authorization_codes: AuthorizationCodesTable;
  access_tokens: AccessTokensTable;
  refresh_tokens: RefreshTokensTable;
  consents: ConsentsTable;
  sessions: SessionsTable;
  signing_keys: SigningKeysTable;
  audit_events: AuditEventsTable;
  user_totp: UserTOTPTable;
  user_recovery_codes: UserRecoveryCodesTable;
  webauthn_credentials: WebAuthnCredentialsTable;
  api_resources: ApiResourcesTable;
  initial_access_tokens: InitialAccessTokensTable;
  account_tokens: AccountTokensTable;
}

export type DB = Kysely<Database>;

export type UserRow = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type ClientRow = Selectable<ClientsTable>;
export type ClientPolicyRow = Selectable<ClientPoliciesTable>;
export type ScopeRow = Selectable<ScopesTable>;
export type SessionRow = Selectable<SessionsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type AuthorizationCodeRow = Selectable<AuthorizationCodesTable>;
export type AccessTokenRow = Selectable<AccessTokensTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type UserTOTPRow = Selectable<UserTOTPTable>;
export type RecoveryCodeRow = Selectable<UserRecoveryCodesTable>;
export type WebAuthnCredentialRow = Selectable<WebAuthnCredentialsTable>;
export type ApiResourceRow = Selectable<ApiResourcesTable>;
export type InitialAccessTokenRow = Selectable<InitialAccessTokensTable>;
export type AccountTokenRow = Selectable<AccountTokensTable>;

/**
 * Every column of a table, spelled out, checked complete by the compiler.
 * Statements kept across requests (lib/db/prepared.ts, the SQLite statement
 * cache) never use `*`: node:sqlite keeps a statement's column names from
 * when it was prepared, so after another process adds a column, `t.*, x`
 * would hand back x's value under the wrong name; PostgreSQL refuses such a
 * named statement instead ("cached plan must not change result type").
 */
function columnsOf<T>() {
  return <const C extends readonly (keyof T & string)[]>(
    ...columns: Exclude<keyof T, C[number]> extends never ? C : never
  ): C => columns;
}

export const USER_COLUMNS = columnsOf<UsersTable>()(
  "id",
  "username",
  "username_canonical",
  "password_hash",
  "email",
  "email_verified",
  "claims",
  "disabled",
  "created_at",
  "updated_at",
  "lock_reason",
  "locked_at",
  "must_change_password",
  "verify_before_sign_in",
);

export const ACCESS_TOKEN_COLUMNS = columnsOf<AccessTokensTable>()(
  "token_hash",
  "grant_id",
  "client_id",
  "user_id",
  "scope",
  "jti",
  "expires_at",
  "revoked_at",
  "created_at",
  "session_id",
  "resources",
);

export const REFRESH_TOKEN_COLUMNS = columnsOf<RefreshTokensTable>()(
  "token_hash",
  "grant_id",
  "client_id",
  "user_id",
  "scope",
  "auth_time",
  "session_id",
  "expires_at",
  "consumed_at",
  "revoked_at",
  "created_at",
  "grant_scope",
  "successor",
  "successor_until",
  "amr",
  "acr",
  "resources",
);

export const CODE_COLUMNS = columnsOf<AuthorizationCodesTable>()(
  "code_hash",
  "grant_id",
  "client_id",
  "user_id",
  "redirect_uri",
  "scope",
  "code_challenge",
  "code_challenge_method",
  "nonce",
  "auth_time",
  "session_id",
  "expires_at",
  "consumed_at",
  "created_at",
  "amr",
  "acr",
  "resources",
);

export const SESSION_COLUMNS = columnsOf<SessionsTable>()(
  "id",
  "secret_hash",
  "kind",
  "user_id",
  "auth_time",
  "ip",
  "user_agent",
  "created_at",
  "last_seen_at",
  "expires_at",
  "amr",
  "acr",
);

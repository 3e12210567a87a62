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
  updated_at: Epoch;
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
);

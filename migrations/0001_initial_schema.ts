// The whole data model of DESIGN.md. Frozen in time: uses Kysely<any>, never
// the application's Database type.
// deno-lint-ignore-file no-explicit-any
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("server_settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema.createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("email", "text")
    .addColumn("email_verified", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("claims", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema.createTable("clients")
    .addColumn("client_id", "text", (c) => c.primaryKey())
    .addColumn("client_name", "text", (c) => c.notNull())
    .addColumn("client_secret_hash", "text")
    .addColumn("redirect_uris", "text", (c) => c.notNull())
    .addColumn("grant_types", "text", (c) => c.notNull())
    .addColumn("response_types", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("token_endpoint_auth_method", "text", (c) => c.notNull())
    .addColumn("require_consent", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema.createTable("client_policies")
    .addColumn(
      "client_id",
      "text",
      (c) => c.primaryKey().references("clients.client_id").onDelete("cascade"),
    )
    .addColumn("allowed_scopes", "text", (c) => c.notNull())
    .addColumn("default_scopes", "text", (c) => c.notNull())
    .addColumn("post_logout_redirect_uris", "text", (c) => c.notNull())
    .addColumn("require_pkce", "integer", (c) => c.notNull())
    .addColumn("consent_policy", "text", (c) => c.notNull())
    .addColumn("access_token_lifetime", "integer", (c) => c.notNull())
    .addColumn("refresh_token_ttl_days", "integer", (c) => c.notNull())
    .addColumn("token_format", "text", (c) => c.notNull())
    .addColumn("id_token_signed_response_alg", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema.createTable("scopes")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("claims", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema.createTable("sessions")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("secret_hash", "text", (c) => c.notNull())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn(
      "user_id",
      "text",
      (c) => c.references("users.id").onDelete("cascade"),
    )
    .addColumn("auth_time", "bigint", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_seen_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("sessions_user_idx").on("sessions")
    .column("user_id").execute();
  await db.schema.createIndex("sessions_expires_idx").on("sessions")
    .column("expires_at").execute();

  await db.schema.createTable("authorization_codes")
    .addColumn("code_hash", "text", (c) => c.primaryKey())
    .addColumn("grant_id", "text", (c) => c.notNull())
    .addColumn(
      "client_id",
      "text",
      (c) => c.notNull().references("clients.client_id").onDelete("cascade"),
    )
    .addColumn(
      "user_id",
      "text",
      (c) => c.notNull().references("users.id").onDelete("cascade"),
    )
    .addColumn("redirect_uri", "text", (c) => c.notNull())
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("code_challenge", "text")
    .addColumn("code_challenge_method", "text")
    .addColumn("nonce", "text")
    .addColumn("auth_time", "bigint", (c) => c.notNull())
    .addColumn("session_id", "text")
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("consumed_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("authorization_codes_expires_idx")
    .on("authorization_codes").column("expires_at").execute();

  await db.schema.createTable("access_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("grant_id", "text")
    .addColumn(
      "client_id",
      "text",
      (c) => c.notNull().references("clients.client_id").onDelete("cascade"),
    )
    .addColumn(
      "user_id",
      "text",
      (c) => c.references("users.id").onDelete("cascade"),
    )
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("jti", "text")
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("access_tokens_grant_idx").on("access_tokens")
    .column("grant_id").execute();
  await db.schema.createIndex("access_tokens_user_client_idx")
    .on("access_tokens").columns(["user_id", "client_id"]).execute();
  await db.schema.createIndex("access_tokens_expires_idx").on("access_tokens")
    .column("expires_at").execute();

  await db.schema.createTable("refresh_tokens")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("grant_id", "text", (c) => c.notNull())
    .addColumn(
      "client_id",
      "text",
      (c) => c.notNull().references("clients.client_id").onDelete("cascade"),
    )
    .addColumn(
      "user_id",
      "text",
      (c) => c.notNull().references("users.id").onDelete("cascade"),
    )
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("auth_time", "bigint", (c) => c.notNull())
    .addColumn("session_id", "text")
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("consumed_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("refresh_tokens_grant_idx").on("refresh_tokens")
    .column("grant_id").execute();
  await db.schema.createIndex("refresh_tokens_user_client_idx")
    .on("refresh_tokens").columns(["user_id", "client_id"]).execute();

  await db.schema.createTable("consents")
    .addColumn(
      "user_id",
      "text",
      (c) => c.notNull().references("users.id").onDelete("cascade"),
    )
    .addColumn(
      "client_id",
      "text",
      (c) => c.notNull().references("clients.client_id").onDelete("cascade"),
    )
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("consents_pk", ["user_id", "client_id"])
    .execute();

  await db.schema.createTable("signing_keys")
    .addColumn("kid", "text", (c) => c.primaryKey())
    .addColumn("alg", "text", (c) => c.notNull())
    .addColumn("public_jwk", "text", (c) => c.notNull())
    .addColumn("private_jwk_enc", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("retired_at", "bigint")
    .execute();

  await db.schema.createTable("audit_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("actor", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_type", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("ip", "text")
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("audit_events_created_idx").on("audit_events")
    .column("created_at").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (
    const table of [
      "audit_events",
      "signing_keys",
      "consents",
      "refresh_tokens",
      "access_tokens",
      "authorization_codes",
      "sessions",
      "scopes",
      "client_policies",
      "clients",
      "users",
      "server_settings",
    ]
  ) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}

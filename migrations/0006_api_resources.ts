/**
 * API resources and the clients that register themselves (issue 12):
 * - `api_resources`: the protected APIs (RFC 8707 resource indicators): an
 *   absolute-URI identifier, a name, the scopes it defines, its own
 *   access-token format and lifetime (null: the client's), whether it is
 *   the default audience, and the confidential client that is its server
 *   (it introspects tokens for this audience, RFC 7662 §2.1).
 * - clients: how each came to be (`registration_type`: admin, dynamic
 *   (RFC 7591), metadata_document), `disabled`, OIDC DCR `application_type`,
 *   the RFC 7592 registration access token (hashed), and for a metadata
 *   document when it was fetched and until when it is fresh.
 * - client_policies: the client's default resource and the resources it may
 *   ask for (null: every registered resource).
 * - codes and tokens remember their resources (`resources`, space-separated
 *   absolute URIs; null: none named, the audience is the client).
 * - `initial_access_tokens` (RFC 7591 §3): admin-issued, hashed, with an
 *   expiry and a use count.
 * @module
 */
// deno-lint-ignore-file no-explicit-any
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("api_resources")
    .addColumn("identifier", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("token_format", "text")
    .addColumn("access_token_lifetime", "integer")
    .addColumn("is_default", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("server_client_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema.alterTable("clients")
    .addColumn(
      "registration_type",
      "text",
      (c) => c.notNull().defaultTo("admin"),
    ).execute();
  await db.schema.alterTable("clients")
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable("clients")
    .addColumn("application_type", "text").execute();
  await db.schema.alterTable("clients")
    .addColumn("registration_access_token_hash", "text").execute();
  await db.schema.alterTable("clients")
    .addColumn("metadata_fetched_at", "bigint").execute();
  await db.schema.alterTable("clients")
    .addColumn("metadata_expires_at", "bigint").execute();

  await db.schema.alterTable("client_policies")
    .addColumn("default_resource", "text").execute();
  await db.schema.alterTable("client_policies")
    .addColumn("allowed_resources", "text").execute();

  for (const table of ["authorization_codes", "access_tokens"]) {
    await db.schema.alterTable(table).addColumn("resources", "text")
      .execute();
  }
  await db.schema.alterTable("refresh_tokens").addColumn("resources", "text")
    .execute();

  await db.schema.createTable("initial_access_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("uses_left", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("initial_access_tokens").execute();
  for (
    const table of ["refresh_tokens", "access_tokens", "authorization_codes"]
  ) {
    await db.schema.alterTable(table).dropColumn("resources").execute();
  }
  for (const column of ["allowed_resources", "default_resource"]) {
    await db.schema.alterTable("client_policies").dropColumn(column).execute();
  }
  for (
    const column of [
      "metadata_expires_at",
      "metadata_fetched_at",
      "registration_access_token_hash",
      "application_type",
      "disabled",
      "registration_type",
    ]
  ) {
    await db.schema.alterTable("clients").dropColumn(column).execute();
  }
  await db.schema.dropTable("api_resources").execute();
}

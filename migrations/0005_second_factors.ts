/**
 * Second factors and passkeys (issue 13): a user's TOTP secret (sealed with
 * APP_SECRET; `last_step` makes each code single use), hashed recovery
 * codes, and WebAuthn credentials (passkeys) with their counters and backup
 * flags. Sessions, codes and refresh tokens remember how the person
 * authenticated (`amr`, RFC 8176 values, space-separated; `acr`), so ID
 * tokens can say it. Client policies gain `require_second_factor`.
 * @module
 */
// deno-lint-ignore-file no-explicit-any
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("user_totp")
    .addColumn(
      "user_id",
      "text",
      (c) => c.primaryKey().references("users.id").onDelete("cascade"),
    )
    .addColumn("secret_enc", "text", (c) => c.notNull())
    .addColumn("confirmed_at", "bigint")
    .addColumn("last_step", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema.createTable("user_recovery_codes")
    .addColumn(
      "user_id",
      "text",
      (c) => c.notNull().references("users.id").onDelete("cascade"),
    )
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("user_recovery_codes_pk", ["user_id", "code_hash"])
    .execute();

  await db.schema.createTable("webauthn_credentials")
    .addColumn("credential_id", "text", (c) => c.primaryKey())
    .addColumn(
      "user_id",
      "text",
      (c) => c.notNull().references("users.id").onDelete("cascade"),
    )
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("public_key", "text", (c) => c.notNull())
    .addColumn("counter", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("transports", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("device_type", "text", (c) => c.notNull())
    .addColumn("backed_up", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("aaguid", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint")
    .execute();
  await db.schema.createIndex("webauthn_credentials_user_idx")
    .on("webauthn_credentials").column("user_id").execute();

  // Every session, code and refresh token before this one came from a
  // password sign-in.
  for (const table of ["sessions", "authorization_codes", "refresh_tokens"]) {
    await db.schema.alterTable(table)
      .addColumn("amr", "text", (c) => c.notNull().defaultTo(""))
      .execute();
    await db.schema.alterTable(table).addColumn("acr", "text").execute();
  }
  await db.updateTable("sessions").set({ amr: "pwd" })
    .where("kind", "=", "user").execute();
  await db.updateTable("authorization_codes").set({ amr: "pwd" }).execute();
  await db.updateTable("refresh_tokens").set({ amr: "pwd" }).execute();

  await db.schema.alterTable("client_policies")
    .addColumn(
      "require_second_factor",
      "integer",
      (c) => c.notNull().defaultTo(0),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("client_policies")
    .dropColumn("require_second_factor").execute();
  for (const table of ["refresh_tokens", "authorization_codes", "sessions"]) {
    await db.schema.alterTable(table).dropColumn("acr").execute();
    await db.schema.alterTable(table).dropColumn("amr").execute();
  }
  await db.schema.dropTable("webauthn_credentials").execute();
  await db.schema.dropTable("user_recovery_codes").execute();
  await db.schema.dropTable("user_totp").execute();
}

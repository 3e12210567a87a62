/**
 * Refresh tokens remember the scope the resource owner granted
 * (`grant_scope`; RFC 6749 §6: an omitted scope "is treated as equal to the
 * scope originally granted"), and a client policy may allow a short reuse
 * grace window (`refresh_reuse_grace_seconds`, default 0): within it the
 * just-rotated token's successor, sealed with APP_SECRET
 * (`successor`, `successor_until`), is answered again instead of revoking
 * the family. Access tokens name the sign-in session they were issued in
 * (`session_id`, as refresh tokens already do), so logout can revoke what
 * belongs to one session.
 * @module
 */
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("refresh_tokens")
    .addColumn("grant_scope", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema.alterTable("refresh_tokens")
    .addColumn("successor", "text")
    .execute();
  await db.schema.alterTable("refresh_tokens")
    .addColumn("successor_until", "bigint")
    .execute();
  // Tokens issued before this migration: their current scope is the best
  // record of the grant there is.
  await db.updateTable("refresh_tokens").set({ grant_scope: sql`scope` })
    .execute();
  await db.schema.alterTable("access_tokens")
    .addColumn("session_id", "text")
    .execute();
  await db.schema.createIndex("access_tokens_session_idx")
    .on("access_tokens").column("session_id").execute();
  await db.schema.createIndex("refresh_tokens_session_idx")
    .on("refresh_tokens").column("session_id").execute();
  await db.schema.alterTable("client_policies")
    .addColumn(
      "refresh_reuse_grace_seconds",
      "integer",
      (c) => c.notNull().defaultTo(0),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("client_policies")
    .dropColumn("refresh_reuse_grace_seconds").execute();
  await db.schema.dropIndex("refresh_tokens_session_idx").execute();
  await db.schema.dropIndex("access_tokens_session_idx").execute();
  await db.schema.alterTable("access_tokens").dropColumn("session_id")
    .execute();
  await db.schema.alterTable("refresh_tokens").dropColumn("successor_until")
    .execute();
  await db.schema.alterTable("refresh_tokens").dropColumn("successor")
    .execute();
  await db.schema.alterTable("refresh_tokens").dropColumn("grant_scope")
    .execute();
}

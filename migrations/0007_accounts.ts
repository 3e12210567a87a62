/**
 * Self-service accounts (issue 13, part B): single-use account tokens
 * (email verification, password reset, registration invites; only their
 * SHA-256 is stored), and on users a lock reason, "must change password at
 * next sign-in", and "must verify the email before signing in" (accounts
 * that registered themselves while mail was configured).
 * @module
 */
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("account_tokens")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn(
      "user_id",
      "text",
      (c) => c.references("users.id").onDelete("cascade"),
    )
    .addColumn("email", "text")
    .addColumn("created_by", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("consumed_at", "bigint")
    .execute();
  await db.schema.createIndex("account_tokens_user_idx")
    .on("account_tokens").columns(["user_id", "purpose"]).execute();
  await db.schema.createIndex("account_tokens_purpose_idx")
    .on("account_tokens").columns(["purpose", "expires_at"]).execute();

  await db.schema.alterTable("users").addColumn("lock_reason", "text")
    .execute();
  await db.schema.alterTable("users").addColumn("locked_at", "bigint")
    .execute();
  await db.schema.alterTable("users")
    .addColumn(
      "must_change_password",
      "integer",
      (c) => c.notNull().defaultTo(0),
    )
    .execute();
  await db.schema.alterTable("users")
    .addColumn(
      "verify_before_sign_in",
      "integer",
      (c) => c.notNull().defaultTo(0),
    )
    .execute();
  // Forgot-password looks accounts up by address, ignoring case.
  await db.schema.createIndex("users_email_lower_idx").on("users")
    .expression(sql`lower(email)`).execute();
  // Accounts disabled before this migration were locked without a reason.
  await db.updateTable("users")
    .set((eb: any) => ({ locked_at: eb.ref("updated_at") }))
    .where("disabled", "=", 1).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("users_email_lower_idx").execute();
  for (
    const column of [
      "verify_before_sign_in",
      "must_change_password",
      "locked_at",
      "lock_reason",
    ]
  ) {
    await db.schema.alterTable("users").dropColumn(column).execute();
  }
  await db.schema.dropTable("account_tokens").execute();
}

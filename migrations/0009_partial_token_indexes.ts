/**
 * Token indexes only over the rows they find: the grant, user and session
 * indexes of access_tokens skip tokens without one (client_credentials
 * tokens have none of the three), so issuing such a token writes one index
 * less per column instead of an entry nobody looks up. Every query that
 * uses them compares the column with `=`, which implies IS NOT NULL, so
 * both engines still use them.
 * @module
 */
// deno-lint-ignore-file no-explicit-any
import { type Kysely, sql } from "kysely";

const PARTIAL: [name: string, columns: string[], column: string][] = [
  ["access_tokens_grant_idx", ["grant_id"], "grant_id"],
  ["access_tokens_user_client_idx", ["user_id", "client_id"], "user_id"],
  ["access_tokens_session_idx", ["session_id"], "session_id"],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, columns, column] of PARTIAL) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on("access_tokens").columns(columns)
      .where(sql.ref(column), "is not", null).execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, columns] of PARTIAL) {
    await db.schema.dropIndex(name).execute();
    await db.schema.createIndex(name).on("access_tokens").columns(columns)
      .execute();
  }
}

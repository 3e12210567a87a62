/**
 * users.username_canonical: the RFC 8265 UsernameCaseMapped form of each
 * username (width mapping, toLowerCase, NFC), unique, so `Élodie`,
 * `élodie` and their NFD spelling are one name. Sign-in and the duplicate
 * check compare it; `username` stays as entered.
 *
 * Rows that already collide (possible before this migration only through
 * NFC/NFD or fullwidth spellings: case was already refused): the oldest
 * account keeps the name; each newer one gets a canonical form no input can
 * produce (it holds a space, which usernames may not), so it can no longer
 * sign in by name until an admin deals with it, and an audit event
 * `user.username_collision` names both accounts.
 * @module
 */
// deno-lint-ignore-file no-explicit-any
import type { Kysely } from "kysely";

/** Frozen copy of lib/username.ts canonicalUsername as of this migration. */
function canonical(username: string): string {
  return username
    .replace(/[\uFF00-\uFFEF]/g, (ch) => ch.normalize("NFKC"))
    .toLowerCase()
    .normalize("NFC");
}

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users")
    .addColumn("username_canonical", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  const rows = await db.selectFrom("users")
    .select(["id", "username", "created_at"])
    .orderBy("created_at").orderBy("id").execute() as {
      id: string;
      username: string;
      created_at: number;
    }[];
  const owner = new Map<string, { id: string; username: string }>();
  const now = Math.floor(Date.now() / 1000);
  for (const row of rows) {
    let form = canonical(row.username);
    const first = owner.get(form);
    if (first) {
      await db.insertInto("audit_events").values({
        id: crypto.randomUUID(),
        actor: "migration",
        action: "user.username_collision",
        target_type: "user",
        target_id: row.id,
        ip: null,
        detail: JSON.stringify({
          username: row.username,
          same_as: first.username,
          same_as_id: first.id,
          note:
            "this account can no longer sign in by name: the older account keeps it",
        }),
        created_at: now,
      }).execute();
      form = `collision ${row.id}`;
    } else {
      owner.set(form, { id: row.id, username: row.username });
    }
    await db.updateTable("users").set({ username_canonical: form })
      .where("id", "=", row.id).execute();
  }
  await db.schema.createIndex("users_username_canonical_idx").on("users")
    .column("username_canonical").unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("users_username_canonical_idx").ifExists()
    .execute();
  await db.schema.alterTable("users").dropColumn("username_canonical")
    .execute();
}

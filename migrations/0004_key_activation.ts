/**
 * signing_keys.activates_at: when a key starts signing. A rotated key is
 * published first and signs only once every JWKS cached before it was
 * published has expired (lib/keys.ts); keys that exist already were
 * active from their creation.
 * @module
 */
// deno-lint-ignore-file no-explicit-any
import type { Kysely } from "kysely";

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("signing_keys")
    .addColumn("activates_at", "bigint")
    .execute();
  await db.updateTable("signing_keys")
    .set((eb: any) => ({ activates_at: eb.ref("created_at") }))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("signing_keys").dropColumn("activates_at")
    .execute();
}

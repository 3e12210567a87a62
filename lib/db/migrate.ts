/**
 * Runs the migrations in `migrations/mod.ts`. Kysely's Migrator takes a lock
 * (a lock table row on SQLite, `LOCK TABLE` on PostgreSQL), so several
 * instances starting at once migrate exactly once.
 * @module
 */
import type { Kysely } from "kysely";
import { type MigrationProvider, Migrator } from "kysely/migration";
import { MIGRATIONS } from "../../migrations/mod.ts";

const PROVIDER: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};

/** Brings the schema up to date; throws with the failing migration's name. */
// deno-lint-ignore no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: PROVIDER });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === "Error");
  if (error) {
    throw new Error(
      `migration ${failed?.migrationName ?? "(setup)"} failed: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { cause: error },
    );
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) =>
    r.migrationName
  );
}

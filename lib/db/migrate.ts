/**
 * Runs the migrations in `migrations/mod.ts` so that several instances
 * starting at once migrate exactly once. On PostgreSQL Kysely's Migrator
 * takes an advisory lock. On SQLite it takes none (it assumes one connection
 * per database), so the whole run happens inside `BEGIN IMMEDIATE`: the first
 * instance holds SQLite's write lock, the others wait, then find nothing to do.
 * @module
 */
import { type Kysely, sql, SqliteAdapter } from "kysely";
import {
  type MigrationProvider,
  type MigrationResultSet,
  Migrator,
} from "kysely/migration";
import { MIGRATIONS } from "../../migrations/mod.ts";

const PROVIDER: MigrationProvider = {
  getMigrations: () => Promise.resolve(MIGRATIONS),
};

/** How long an instance waits for another one's SQLite migration. */
const SQLITE_LOCK_WAIT_MS = 60_000;
const SQLITE_LOCK_RETRY_MS = 20;

/** Brings the schema up to date; throws with the failing migration's name. */
// deno-lint-ignore no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const { error, results } = db.getExecutor().adapter instanceof SqliteAdapter
    ? await db.connection().execute((conn) =>
      inSQLiteWriteTransaction(conn, () => runMigrator(conn))
    )
    : await runMigrator(db);
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

// deno-lint-ignore no-explicit-any
function runMigrator(db: Kysely<any>): Promise<MigrationResultSet> {
  return new Migrator({ db, provider: PROVIDER }).migrateToLatest();
}

/**
 * Runs `fn` on `conn` inside `BEGIN IMMEDIATE`, committed only when it
 * reports no error. SQLite supports transactional DDL, so a failed migration
 * leaves nothing behind.
 */
async function inSQLiteWriteTransaction(
  // deno-lint-ignore no-explicit-any
  conn: Kysely<any>,
  fn: () => Promise<MigrationResultSet>,
): Promise<MigrationResultSet> {
  await beginImmediate(conn);
  let result: MigrationResultSet;
  try {
    result = await fn();
  } catch (err) {
    await sql`ROLLBACK`.execute(conn);
    throw err;
  }
  await sql.raw(result.error ? "ROLLBACK" : "COMMIT").execute(conn);
  return result;
}

/**
 * Takes SQLite's write lock, waiting without blocking the event loop:
 * node:sqlite's busy_timeout would block the whole thread, so another
 * connection in this same process could never finish and release the lock.
 */
// deno-lint-ignore no-explicit-any
async function beginImmediate(conn: Kysely<any>): Promise<void> {
  const { rows } = await sql<{ timeout: number }>`PRAGMA busy_timeout`
    .execute(conn);
  const busyTimeout = Number(rows[0]?.timeout ?? 0);
  await sql`PRAGMA busy_timeout = 0`.execute(conn);
  try {
    const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
    for (;;) {
      try {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        return;
      } catch (err) {
        if (!isBusy(err) || Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, SQLITE_LOCK_RETRY_MS));
      }
    }
  } finally {
    await sql.raw(`PRAGMA busy_timeout = ${busyTimeout}`).execute(conn);
  }
}

function isBusy(err: unknown): boolean {
  const { errcode } = err as { errcode?: number };
  return errcode === 5 || /database is locked|SQLITE_BUSY/i.test(String(err));
}

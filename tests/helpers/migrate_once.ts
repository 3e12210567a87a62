/**
 * Subprocess for tests/foundation/migrations_test.ts: migrates the database
 * named by DATABASE_URL, as a starting server would, and prints the names of
 * the migrations it applied as JSON.
 * @module
 */
import { parseDatabaseURL } from "../../lib/config.ts";
import { connectDatabase } from "../../lib/db/connect.ts";
import { migrateToLatest } from "../../lib/db/migrate.ts";

const handle = connectDatabase(parseDatabaseURL(Deno.env.get("DATABASE_URL")!));
try {
  console.log(JSON.stringify(await migrateToLatest(handle.db)));
} finally {
  await handle.close();
}

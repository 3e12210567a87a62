/**
 * Reads every row of every table (Kysely's own included) as one string, so
 * tests can prove a secret is stored nowhere in clear.
 * @module
 */
import type { DB } from "../../lib/db/schema.ts";

/** Every table's rows, serialised as JSON lines `table: row`. */
export async function dumpDatabase(db: DB): Promise<string> {
  const tables = await db.introspection.getTables({
    withInternalKyselyTables: true,
  });
  const lines: string[] = [];
  for (const table of tables) {
    // deno-lint-ignore no-explicit-any
    const rows = await (db as any).selectFrom(table.name).selectAll()
      .execute() as Record<string, unknown>[];
    for (const row of rows) {
      lines.push(`${table.name}: ${JSON.stringify({ ...row })}`);
    }
  }
  return lines.join("\n");
}

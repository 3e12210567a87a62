/**
 * `deno task backup FILE`: a consistent copy of the running server's SQLite
 * database (DATABASE_URL), taken online, checked, written to FILE. Reminds
 * where APP_SECRET lives: the copy's signing keys are encrypted with it.
 * PostgreSQL: use pg_dump (docs/production.md).
 */
import { backupSQLite } from "../lib/ops/sqlite_backup.ts";
import {
  appSecretReminder,
  describe,
  failAndExit,
  runOnSQLite,
} from "./ops_cli.ts";

if (import.meta.main) {
  const [file, ...rest] = Deno.args;
  if (!file || rest.length || file.startsWith("-")) {
    failAndExit("usage: deno task backup FILE", 2);
  }
  await runOnSQLite("backup", "pg_dump --format=custom", async (command) => {
    const copy = await backupSQLite(command.path, file);
    console.log(`backup written: ${copy.path} ${describe(copy)}`);
    console.log(appSecretReminder(
      command,
      "keep APP_SECRET with your backups, stored apart from them: the signing keys in the copy are encrypted with it, and without it they cannot be used",
    ));
  });
}

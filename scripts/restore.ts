/**
 * `deno task restore FILE [--force]`: puts a backup made by `deno task
 * backup` where DATABASE_URL points, after checking it. Refuses a database
 * already there unless --force (which moves it aside), and always one a
 * running server has open. Start the server with the APP_SECRET the backup
 * was taken with. PostgreSQL: use pg_restore (docs/production.md).
 */
import { restoreSQLite } from "../lib/ops/sqlite_backup.ts";
import {
  appSecretReminder,
  describe,
  failAndExit,
  runOnSQLite,
} from "./ops_cli.ts";

if (import.meta.main) {
  const force = Deno.args.includes("--force");
  const files = Deno.args.filter((a) => a !== "--force");
  if (files.length !== 1 || files[0].startsWith("-")) {
    failAndExit("usage: deno task restore FILE [--force]", 2);
  }
  await runOnSQLite("restore", "pg_restore", async (command) => {
    const restored = await restoreSQLite(files[0], command.path, { force });
    if (restored.replaced) {
      console.log(`the database that was there is now ${restored.replaced}`);
    }
    console.log(
      `restored ${files[0]} into ${restored.path} ${describe(restored)}`,
    );
    console.log(appSecretReminder(
      command,
      "start the server with the APP_SECRET the backup was taken with; migrations newer than the backup run at start",
    ));
  });
}

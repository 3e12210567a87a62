/**
 * `deno task restore FILE [--force]`: puts a backup made by `deno task
 * backup` where DATABASE_URL points, after checking it. Refuses a database
 * already there unless --force (which moves it aside), and always one a
 * running server has open. Start the server with the APP_SECRET the backup
 * was taken with. PostgreSQL: use pg_restore (docs/production.md).
 */
import { ConfigError, loadConfig } from "../lib/config.ts";
import { BackupError, restoreSQLite } from "../lib/ops/sqlite_backup.ts";
import { appSecretReminder, failAndExit } from "./ops_cli.ts";

const USAGE = "usage: deno task restore FILE [--force]";

if (import.meta.main) {
  const force = Deno.args.includes("--force");
  const files = Deno.args.filter((a) => a !== "--force");
  if (files.length !== 1 || files[0].startsWith("-")) failAndExit(USAGE, 2);
  try {
    const env = Deno.env.toObject();
    const config = loadConfig(env);
    if (config.database.engine === "postgres") {
      failAndExit(
        "DATABASE_URL is PostgreSQL: restore with pg_restore (docs/production.md, Backups)",
        2,
      );
    }
    if (config.database.path === ":memory:") {
      failAndExit(
        "DATABASE_URL is an in-memory database: nowhere to restore to",
      );
    }
    const restored = await restoreSQLite(files[0], config.database.path, {
      force,
    });
    if (restored.replaced) {
      console.log(`the database that was there is now ${restored.replaced}`);
    }
    console.log(
      `restored ${
        files[0]
      } into ${restored.path} (${restored.bytes} bytes, integrity ok, schema ${restored.migration}, ${restored.signingKeys} signing key(s))`,
    );
    console.log(appSecretReminder(
      env,
      config,
      "start the server with the APP_SECRET the backup was taken with; migrations newer than the backup run at start",
    ));
  } catch (err) {
    if (err instanceof ConfigError) {
      failAndExit(`configuration error: ${err.message}`);
    }
    if (err instanceof BackupError) {
      failAndExit(`restore failed: ${err.message}`);
    }
    throw err;
  }
}

/**
 * `deno task backup FILE`: a consistent copy of the running server's SQLite
 * database (DATABASE_URL), taken online, checked, written to FILE. Reminds
 * where APP_SECRET lives: the copy's signing keys are encrypted with it.
 * PostgreSQL: use pg_dump (docs/production.md).
 */
import { ConfigError, loadConfig } from "../lib/config.ts";
import { BackupError, backupSQLite } from "../lib/ops/sqlite_backup.ts";
import { appSecretReminder, failAndExit } from "./ops_cli.ts";

const USAGE = "usage: deno task backup FILE";

if (import.meta.main) {
  const [file, ...rest] = Deno.args;
  if (!file || rest.length || file.startsWith("-")) failAndExit(USAGE, 2);
  try {
    const env = Deno.env.toObject();
    const config = loadConfig(env);
    if (config.database.engine === "postgres") {
      failAndExit(
        "DATABASE_URL is PostgreSQL: back it up with pg_dump --format=custom (docs/production.md, Backups)",
        2,
      );
    }
    if (config.database.path === ":memory:") {
      failAndExit("DATABASE_URL is an in-memory database: nothing to back up");
    }
    const copy = await backupSQLite(config.database.path, file);
    console.log(
      `backup written: ${copy.path} (${copy.bytes} bytes, integrity ok, schema ${copy.migration}, ${copy.signingKeys} signing key(s))`,
    );
    console.log(appSecretReminder(
      env,
      config,
      "keep APP_SECRET with your backups, stored apart from them: the signing keys in the copy are encrypted with it, and without it they cannot be used",
    ));
  } catch (err) {
    if (err instanceof ConfigError) {
      failAndExit(`configuration error: ${err.message}`);
    }
    if (err instanceof BackupError) {
      failAndExit(`backup failed: ${err.message}`);
    }
    throw err;
  }
}

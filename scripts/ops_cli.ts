/**
 * What `deno task backup` and `deno task restore` share: the server's
 * configuration, the SQLite file it names, one line per outcome, exit codes
 * (0 done, 1 failed, 2 wrong usage or not SQLite).
 * @module
 */
import { type Config, ConfigError, loadConfig } from "../lib/config.ts";
import { BackupError, type CopySummary } from "../lib/ops/sqlite_backup.ts";

type Env = Record<string, string | undefined>;

/** Prints one line to stderr and exits. */
export function failAndExit(message: string, code = 1): never {
  console.error(message);
  Deno.exit(code);
}

/** What a command gets: the environment, its config, the SQLite path. */
export interface SQLiteCommand {
  env: Env;
  config: Config;
  path: string;
}

/**
 * Loads the configuration, insists on a SQLite file (PostgreSQL has its own
 * tools: `postgresTool`), runs `body`, and turns a configuration or backup
 * error into one line and exit code 1.
 */
export async function runOnSQLite(
  verb: "backup" | "restore",
  postgresTool: string,
  body: (command: SQLiteCommand) => Promise<void>,
): Promise<void> {
  try {
    const env = Deno.env.toObject();
    const config = loadConfig(env);
    if (config.database.engine === "postgres") {
      failAndExit(
        `DATABASE_URL is PostgreSQL: ${verb} with ${postgresTool} (docs/production.md, Backups)`,
        2,
      );
    }
    if (config.database.path === ":memory:") {
      failAndExit(`DATABASE_URL is an in-memory database: nothing to ${verb}`);
    }
    await body({ env, config, path: config.database.path });
  } catch (err) {
    if (err instanceof ConfigError) {
      failAndExit(`configuration error: ${err.message}`);
    }
    if (err instanceof BackupError) {
      failAndExit(`${verb} failed: ${err.message}`);
    }
    throw err;
  }
}

/** "(N bytes, integrity ok, schema …, N signing key(s))" */
export function describe(copy: CopySummary): string {
  return `(${copy.bytes} bytes, integrity ok, schema ${copy.migration}, ${copy.signingKeys} signing key(s))`;
}

/**
 * Where this server's APP_SECRET comes from (never the secret itself), or
 * null when this environment has none: neither the variable nor a file.
 */
function appSecretSource(env: Env, config: Config): string | null {
  if (env.APP_SECRET) return "the APP_SECRET environment variable";
  if (config.appSecret !== null) return `the file ${config.appSecretFile}`;
  try {
    Deno.statSync(config.appSecretFile);
    return `the generated secret in ${config.appSecretFile}`;
  } catch {
    return null;
  }
}

/** The line that says which secret the copy's signing keys need. */
export function appSecretReminder(
  command: SQLiteCommand,
  advice: string,
): string {
  const { env, config } = command;
  const source = appSecretSource(env, config);
  if (source) return `${advice} (here: ${source})`;
  return `warning: this environment has no APP_SECRET and no generated secret at ${config.appSecretFile}; ` +
    `run this with the server's environment (DATABASE_URL, APP_SECRET or APP_SECRET_FILE) to see which secret the keys need. ${advice}`;
}

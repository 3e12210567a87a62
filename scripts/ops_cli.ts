/** What `deno task backup` and `deno task restore` print and how they exit. */
import type { Config } from "../lib/config.ts";

/** Prints one line to stderr and exits (1: failed, 2: wrong usage). */
export function failAndExit(message: string, code = 1): never {
  console.error(message);
  Deno.exit(code);
}

/**
 * Where this server's APP_SECRET comes from (never the secret itself), or
 * null when this environment has none: neither the variable nor a file.
 */
export function appSecretSource(
  env: Record<string, string | undefined>,
  config: Config,
): string | null {
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
  env: Record<string, string | undefined>,
  config: Config,
  advice: string,
): string {
  const source = appSecretSource(env, config);
  if (source) return `${advice} (here: ${source})`;
  return `warning: this environment has no APP_SECRET and no generated secret at ${config.appSecretFile}; ` +
    `run this with the server's environment (DATABASE_URL, APP_SECRET or APP_SECRET_FILE) to see which secret the keys need. ${advice}`;
}

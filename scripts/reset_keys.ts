/**
 * `deno task admin:reset-keys [--yes]`: when the server refuses to start
 * because its signing keys cannot be decrypted (APP_SECRET lost or
 * changed), deletes those keys and creates a new RS256 key
 * (lib/admin/keys_reset.ts). Without `--yes` it only says what it would
 * do. Uses the server's DATABASE_URL and APP_SECRET (or APP_SECRET_FILE).
 */
import {
  keysToReset,
  resetUndecryptableKeys,
} from "../lib/admin/keys_reset.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { connectDatabase } from "../lib/db/connect.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { resolveAppSecret } from "../lib/security/app_secret.ts";

const CONSEQUENCES =
  "Every ID token and JWT access token these keys signed stops verifying: " +
  "relying parties fetch the new JWKS when they meet the new key, and " +
  "users may have to sign in again. Opaque access tokens, refresh tokens, " +
  "sessions, clients and users are not affected. If the old APP_SECRET " +
  "can be restored, restoring it instead loses nothing.";

try {
  const config = loadConfig(Deno.env.toObject());
  const { secret } = await resolveAppSecret(
    config.appSecret,
    config.appSecretFile,
  );
  const handle = connectDatabase(config.database);
  try {
    await migrateToLatest(handle.db);
    const kids = await keysToReset(handle.db, secret);
    if (kids.length === 0) {
      console.error(
        "every signing key opens with this APP_SECRET: nothing to reset " +
          "(to replace a key, rotate it: POST /admin/rotate_jwk)",
      );
    } else if (!Deno.args.includes("--yes")) {
      console.error(
        `${kids.length} signing key(s) cannot be decrypted with this ` +
          `APP_SECRET: ${kids.join(", ")}. Run again with --yes ` +
          `(deno task admin:reset-keys --yes) to delete them and create a ` +
          `new RS256 key. ${CONSEQUENCES}`,
      );
      Deno.exit(2);
    } else {
      const reset = await resetUndecryptableKeys(
        handle.db,
        secret,
        () => Math.floor(Date.now() / 1000),
      );
      console.log(reset.signing);
      console.error(
        `deleted ${reset.deleted.length} signing key(s) (${
          reset.deleted.join(", ")
        }); ${reset.signing} signs from now on. ${CONSEQUENCES}`,
      );
    }
  } finally {
    await handle.close();
  }
} catch (err) {
  console.error(
    err instanceof ConfigError
      ? `configuration error: ${err.message}`
      : `reset failed: ${(err as Error).message}`,
  );
  Deno.exit(1);
}

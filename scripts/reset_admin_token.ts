/**
 * `deno task admin:reset-token`: replaces the admin token (prints the new one
 * once) and signs out every admin session. Uses the server's DATABASE_URL.
 */
import { resetAdminToken } from "../lib/admin/admin_token.ts";
import { ConfigError, loadConfig } from "../lib/config.ts";
import { insertAuditEvent } from "../lib/db/audit_events.ts";
import { connectDatabase } from "../lib/db/connect.ts";
import { migrateToLatest } from "../lib/db/migrate.ts";
import { deleteSessionsOfKind } from "../lib/db/sessions.ts";

try {
  const config = loadConfig(Deno.env.toObject());
  const handle = connectDatabase(config.database);
  try {
    await migrateToLatest(handle.db);
    const now = Math.floor(Date.now() / 1000);
    const token = await resetAdminToken(handle.db, now);
    const ended = await deleteSessionsOfKind(handle.db, "admin");
    await insertAuditEvent(handle.db, {
      actor: "cli",
      action: "admin.token_reset",
      targetType: "server",
      detail: { admin_sessions_ended: ended },
    }, now);
    console.log(token);
    console.error(
      `admin token replaced; ${ended} admin session(s) signed out. It is shown only now.`,
    );
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

/**
 * Which failures mean "the database cannot be reached right now" (answered
 * 503 with Retry-After) rather than a bug (500): PostgreSQL down, crashed,
 * restarting, frozen or out of connections, and SQLite busy for too long.
 * @module
 */

/** Socket errors of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
]);

/**
 * PostgreSQL SQLSTATEs (Appendix A): 57P01 admin_shutdown, 57P02
 * crash_shutdown, 57P03 cannot_connect_now (starting up or shutting down),
 * 53300 too_many_connections; class 08 is "connection exception".
 */
const PG_STATES = new Set(["57P01", "57P02", "57P03", "53300"]);

/**
 * What `pg` and `pg-pool` throw without a code: the socket closed under a
 * query, a pool connect or client-side query timeout, a client already dead.
 */
const PG_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|is not queryable/;

/** SQLite: the write lock stayed taken past busy_timeout. */
const SQLITE_BUSY = /SQLITE_BUSY|database is locked/;

/** Whether `err` is a connection-level database failure (answer 503). */
export function isDatabaseUnavailable(err: unknown): boolean {
  // A wrapped failure (a migration that could not connect) counts by its cause.
  const cause = (err as { cause?: unknown } | null)?.cause;
  if (cause !== undefined && cause !== err && isDatabaseUnavailable(cause)) {
    return true;
  }
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  if (NETWORK_CODES.has(code) || PG_STATES.has(code)) return true;
  if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  if (code === "ERR_SQLITE_BUSY") return true;
  const text = String(err);
  return PG_MESSAGES.test(text) || SQLITE_BUSY.test(text);
}

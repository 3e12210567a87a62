/** sessions: server-side browser sessions (user and admin). */
import type { Insertable } from "kysely";
import type { DB, SessionRow, SessionsTable } from "./schema.ts";
import { prepared } from "./prepared.ts";
import { SESSION_COLUMNS } from "./schema.ts";

export async function insertSession(
  db: DB,
  row: Insertable<SessionsTable>,
): Promise<void> {
  await db.insertInto("sessions").values(row).execute();
}

const selectSession = prepared((db, id: string) =>
  db.selectFrom("sessions").select(SESSION_COLUMNS).where("id", "=", id)
);

export async function findSession(
  db: DB,
  id: string,
): Promise<SessionRow | undefined> {
  return (await selectSession(db, id))[0];
}

export async function touchSession(
  db: DB,
  id: string,
  now: number,
): Promise<void> {
  await db.updateTable("sessions").set({ last_seen_at: now })
    .where("id", "=", id).execute();
}

/**
 * Replaces a session's secret and authentication record, only while the
 * secret is still the one `session` was read with: of two steps racing on
 * one session, one wins and the other's cookie is not silently replaced.
 */
export async function updateSessionAuthentication(
  db: DB,
  session: SessionRow,
  values: Pick<SessionRow, "secret_hash" | "amr" | "acr" | "auth_time">,
): Promise<boolean> {
  const r = await db.updateTable("sessions").set(values)
    .where("id", "=", session.id)
    .where("secret_hash", "=", session.secret_hash)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteSession(db: DB, id: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", id).execute();
}

export async function deleteSessionsOfKind(
  db: DB,
  kind: SessionRow["kind"],
): Promise<number> {
  const r = await db.deleteFrom("sessions").where("kind", "=", kind)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function deleteExpiredSessions(
  db: DB,
  now: number,
): Promise<number> {
  const r = await db.deleteFrom("sessions").where("expires_at", "<=", now)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** A live session with the username of its user (admin listings). */
export interface SessionWithUser extends SessionRow {
  username: string | null;
}

/** Live sessions of `kind`, newest first, optionally of one user. */
export async function listLiveSessions(
  db: DB,
  kind: SessionRow["kind"],
  now: number,
  options: { userID?: string } = {},
): Promise<SessionWithUser[]> {
  let q = db.selectFrom("sessions")
    .leftJoin("users", "users.id", "sessions.user_id")
    .selectAll("sessions")
    .select("users.username")
    .where("sessions.kind", "=", kind)
    .where("sessions.expires_at", ">", now);
  if (options.userID !== undefined) {
    q = q.where("sessions.user_id", "=", options.userID);
  }
  return await q.orderBy("sessions.created_at", "desc")
    .orderBy("sessions.id").execute();
}

/** Deletes one session of `kind`; false when there is none. */
export async function deleteSessionOfKind(
  db: DB,
  id: string,
  kind: SessionRow["kind"],
): Promise<boolean> {
  const r = await db.deleteFrom("sessions").where("id", "=", id)
    .where("kind", "=", kind).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Ends every session of a user; returns how many there were. */
export async function deleteUserSessions(
  db: DB,
  userID: string,
): Promise<number> {
  const r = await db.deleteFrom("sessions").where("user_id", "=", userID)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Ends every session of a user but one; returns how many ended. */
export async function deleteUserSessionsExcept(
  db: DB,
  userID: string,
  keepID: string,
): Promise<number> {
  const r = await db.deleteFrom("sessions").where("user_id", "=", userID)
    .where("id", "!=", keepID).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Ends one of a user's sessions; false when the user has no such session. */
export async function deleteSessionOfUser(
  db: DB,
  userID: string,
  sessionID: string,
): Promise<boolean> {
  const r = await db.deleteFrom("sessions").where("id", "=", sessionID)
    .where("user_id", "=", userID).where("kind", "=", "user")
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

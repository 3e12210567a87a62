/** sessions: server-side browser sessions (user and admin). */
import type { Insertable } from "kysely";
import type { DB, SessionRow, SessionsTable } from "./schema.ts";

export async function insertSession(
  db: DB,
  row: Insertable<SessionsTable>,
): Promise<void> {
  await db.insertInto("sessions").values(row).execute();
}

export async function findSession(
  db: DB,
  id: string,
): Promise<SessionRow | undefined> {
  return await db.selectFrom("sessions").selectAll().where("id", "=", id)
    .executeTakeFirst();
}

export async function touchSession(
  db: DB,
  id: string,
  now: number,
): Promise<void> {
  await db.updateTable("sessions").set({ last_seen_at: now })
    .where("id", "=", id).execute();
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

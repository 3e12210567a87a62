/** Row counts for the admin dashboard. */
import type { DB } from "./schema.ts";

export interface Counts {
  clients: number;
  users: number;
  scopes: number;
  signingKeys: number;
  activeSessions: number;
}

async function count(
  db: DB,
  table: "clients" | "users" | "scopes" | "signing_keys",
): Promise<number> {
  const row = await db.selectFrom(table).select((eb) =>
    eb.fn.countAll<number>().as("n")
  ).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function countObjects(db: DB, now: number): Promise<Counts> {
  const sessions = await db.selectFrom("sessions")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("kind", "=", "user").where("expires_at", ">", now)
    .executeTakeFirstOrThrow();
  return {
    clients: await count(db, "clients"),
    users: await count(db, "users"),
    scopes: await count(db, "scopes"),
    signingKeys: await count(db, "signing_keys"),
    activeSessions: Number(sessions.n),
  };
}

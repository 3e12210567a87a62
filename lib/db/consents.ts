/** consents: which scopes a user granted a client (consent policy `once`). */
import type { DB } from "./schema.ts";

export async function findConsentScopes(
  db: DB,
  userID: string,
  clientID: string,
): Promise<string[]> {
  const row = await db.selectFrom("consents").select("scopes")
    .where("user_id", "=", userID).where("client_id", "=", clientID)
    .executeTakeFirst();
  return row ? row.scopes.split(" ").filter(Boolean) : [];
}

/** Stores the union of what was granted before and `scopes`. */
export async function upsertConsent(
  db: DB,
  userID: string,
  clientID: string,
  scopes: string[],
  now: number,
): Promise<void> {
  const previous = await findConsentScopes(db, userID, clientID);
  const merged = [...new Set([...previous, ...scopes])].sort().join(" ");
  await db.insertInto("consents").values({
    user_id: userID,
    client_id: clientID,
    scopes: merged,
    created_at: now,
    updated_at: now,
  }).onConflict((oc) =>
    oc.columns(["user_id", "client_id"]).doUpdateSet({
      scopes: merged,
      updated_at: now,
    })
  ).execute();
}

export async function deleteConsent(
  db: DB,
  userID: string,
  clientID: string,
): Promise<boolean> {
  const r = await db.deleteFrom("consents").where("user_id", "=", userID)
    .where("client_id", "=", clientID).executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** A stored consent with the name of its client. */
export interface ConsentWithClient {
  client_id: string;
  client_name: string;
  scopes: string;
  created_at: number;
  updated_at: number;
}

/** Every consent a user has given, by client id. */
export async function listConsentsOfUser(
  db: DB,
  userID: string,
): Promise<ConsentWithClient[]> {
  return await db.selectFrom("consents")
    .innerJoin("clients", "clients.client_id", "consents.client_id")
    .select([
      "consents.client_id",
      "clients.client_name",
      "consents.scopes",
      "consents.created_at",
      "consents.updated_at",
    ])
    .where("consents.user_id", "=", userID)
    .orderBy("consents.client_id").execute();
}

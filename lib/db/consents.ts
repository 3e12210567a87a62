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

/**
 * api_resources: the protected APIs tokens are minted for (RFC 8707). Read
 * on every token request through the configuration cache; every write bumps
 * its version, like clients and scopes.
 * @module
 */
import type { Insertable, Updateable } from "kysely";
import { bumpConfigVersion, derivedFromConfig } from "./config_cache.ts";
import type { ApiResourceRow, ApiResourcesTable, DB } from "./schema.ts";

/** Every resource by identifier, from the configuration cache. */
export async function listResources(db: DB): Promise<ApiResourceRow[]> {
  return await derivedFromConfig(
    db,
    "api_resources",
    () =>
      db.selectFrom("api_resources").selectAll().orderBy("identifier")
        .execute(),
  );
}

export async function findResource(
  db: DB,
  identifier: string,
): Promise<ApiResourceRow | undefined> {
  if (db.isTransaction) {
    return await db.selectFrom("api_resources").selectAll()
      .where("identifier", "=", identifier).executeTakeFirst();
  }
  return (await listResources(db)).find((r) => r.identifier === identifier);
}

export async function insertResource(
  db: DB,
  row: Insertable<ApiResourcesTable>,
): Promise<void> {
  await db.insertInto("api_resources").values(row).execute();
  await bumpConfigVersion(db);
}

export async function updateResource(
  db: DB,
  identifier: string,
  values: Updateable<ApiResourcesTable>,
): Promise<boolean> {
  const r = await db.updateTable("api_resources").set(values)
    .where("identifier", "=", identifier).executeTakeFirst();
  await bumpConfigVersion(db);
  return Number(r.numUpdatedRows) === 1;
}

/** Makes `identifier` the only default resource. */
export async function setDefaultResource(
  db: DB,
  identifier: string,
): Promise<void> {
  await db.updateTable("api_resources").set({ is_default: 0 })
    .where("identifier", "!=", identifier).execute();
  await bumpConfigVersion(db);
}

export async function deleteResource(
  db: DB,
  identifier: string,
): Promise<boolean> {
  const r = await db.deleteFrom("api_resources")
    .where("identifier", "=", identifier).executeTakeFirst();
  await bumpConfigVersion(db);
  return Number(r.numDeletedRows) === 1;
}

/** The resources whose server is `clientID` (RFC 7662 §2.1 callers). */
export async function resourcesServedBy(
  db: DB,
  clientID: string,
): Promise<ApiResourceRow[]> {
  return (await listResources(db)).filter((r) =>
    r.server_client_id === clientID
  );
}

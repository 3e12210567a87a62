/** server_settings: small key/value facts (admin token hash, setup time). */
import type { DB } from "./schema.ts";

export async function findSetting(db: DB, key: string): Promise<string | null> {
  const row = await db.selectFrom("server_settings").select("value")
    .where("key", "=", key).executeTakeFirst();
  return row?.value ?? null;
}

/** Inserts `key` only if absent; returns false when it already existed. */
export async function insertSettingIfAbsent(
  db: DB,
  key: string,
  value: string,
  now: number,
): Promise<boolean> {
  const result = await db.insertInto("server_settings")
    .values({ key, value, updated_at: now })
    .onConflict((oc) => oc.column("key").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function upsertSetting(
  db: DB,
  key: string,
  value: string,
  now: number,
): Promise<void> {
  await db.insertInto("server_settings")
    .values({ key, value, updated_at: now })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({ value, updated_at: now })
    )
    .execute();
}

export async function deleteSetting(db: DB, key: string): Promise<void> {
  await db.deleteFrom("server_settings").where("key", "=", key).execute();
}

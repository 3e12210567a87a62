/** signing_keys: JWS keys, private part encrypted at rest. */
import type { Insertable } from "kysely";
import type { DB, SigningKeyRow, SigningKeysTable } from "./schema.ts";

export async function listSigningKeys(db: DB): Promise<SigningKeyRow[]> {
  return await db.selectFrom("signing_keys").selectAll()
    .orderBy("created_at", "desc").orderBy("kid").execute();
}

export async function insertSigningKey(
  db: DB,
  row: Insertable<SigningKeysTable>,
): Promise<void> {
  await db.insertInto("signing_keys").values(row).execute();
}

/** Retires every active key of `alg` except `keepKid`. */
export async function retireOtherKeys(
  db: DB,
  alg: string,
  keepKid: string,
  now: number,
): Promise<void> {
  await db.updateTable("signing_keys")
    .set({ status: "retired", retired_at: now })
    .where("alg", "=", alg).where("status", "=", "active")
    .where("kid", "!=", keepKid).execute();
}

export async function deleteSigningKey(db: DB, kid: string): Promise<boolean> {
  const r = await db.deleteFrom("signing_keys").where("kid", "=", kid)
    .where("status", "=", "retired").executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

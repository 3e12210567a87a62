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

export async function findSigningKey(
  db: DB,
  kid: string,
): Promise<SigningKeyRow | undefined> {
  return await db.selectFrom("signing_keys").selectAll()
    .where("kid", "=", kid).executeTakeFirst();
}

/**
 * Retires one active key, in one statement that refuses (returns false) when
 * it is the last active key of `keepAlg`: tokens must always be signable.
 */
export async function retireSigningKey(
  db: DB,
  kid: string,
  now: number,
  options: { keepAlg?: string } = {},
): Promise<boolean> {
  let q = db.updateTable("signing_keys")
    .set({ status: "retired", retired_at: now })
    .where("kid", "=", kid).where("status", "=", "active");
  const keepAlg = options.keepAlg;
  if (keepAlg !== undefined) {
    q = q.where((eb) =>
      eb.or([
        eb("alg", "!=", keepAlg),
        eb.exists(
          eb.selectFrom("signing_keys as other").select("other.kid")
            .where("other.alg", "=", keepAlg)
            .where("other.status", "=", "active")
            .where("other.kid", "!=", kid),
        ),
      ])
    );
  }
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

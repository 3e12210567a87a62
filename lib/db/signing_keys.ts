/**
 * signing_keys: JWS keys, private part encrypted at rest. Every write tells
 * the key stores of this process's threads (lib/db/invalidation.ts).
 */
import type { Insertable } from "kysely";
import { changedCachedState } from "./invalidation.ts";
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
  await changedCachedState(db);
}

/**
 * Ends, at `at` (the new key's activation), the window of every other key
 * of `alg` still signing or waiting then: the new key takes over at `at`.
 */
export async function retireOtherKeysAt(
  db: DB,
  alg: string,
  keepKid: string,
  at: number,
): Promise<void> {
  await db.updateTable("signing_keys")
    .set({ status: "retired", retired_at: at })
    .where("alg", "=", alg).where("kid", "!=", keepKid)
    .where((eb) =>
      eb.or([
        eb("status", "=", "active"),
        eb("retired_at", ">", at),
      ])
    ).execute();
  await changedCachedState(db);
}

/**
 * Keys of `alg` scheduled to stop at `at` (their successor's activation)
 * stop at `until` instead, or never (null): the successor was retired
 * before it began.
 */
export async function rescheduleRetirements(
  db: DB,
  alg: string,
  at: number,
  until: number | null,
): Promise<void> {
  await db.updateTable("signing_keys")
    .set(
      until === null
        ? { status: "active", retired_at: null }
        : { status: "retired", retired_at: until },
    )
    .where("alg", "=", alg).where("status", "=", "retired")
    .where("retired_at", "=", at).execute();
  await changedCachedState(db);
}

/** Deletes a key whose window ended by `now`; false when there is none. */
export async function deleteSigningKey(
  db: DB,
  kid: string,
  now: number,
): Promise<boolean> {
  const r = await db.deleteFrom("signing_keys").where("kid", "=", kid)
    .where("status", "=", "retired").where("retired_at", "<=", now)
    .executeTakeFirst();
  await changedCachedState(db);
  return Number(r.numDeletedRows) === 1;
}

/** Deletes the keys `kids`, whatever their state; answers how many went. */
export async function deleteSigningKeys(
  db: DB,
  kids: readonly string[],
): Promise<number> {
  if (kids.length === 0) return 0;
  const r = await db.deleteFrom("signing_keys").where("kid", "in", kids)
    .executeTakeFirst();
  await changedCachedState(db);
  return Number(r.numDeletedRows);
}

export async function findSigningKey(
  db: DB,
  kid: string,
): Promise<SigningKeyRow | undefined> {
  return await db.selectFrom("signing_keys").selectAll()
    .where("kid", "=", kid).executeTakeFirst();
}

/**
 * Ends a key's window now, in one statement that refuses (returns false)
 * when no other key of `keepAlg` would be left to sign, now or later:
 * tokens must always be signable.
 */
export async function retireSigningKey(
  db: DB,
  kid: string,
  now: number,
  options: { keepAlg?: string } = {},
): Promise<boolean> {
  let q = db.updateTable("signing_keys")
    .set({ status: "retired", retired_at: now })
    .where("kid", "=", kid)
    .where((eb) =>
      eb.or([eb("status", "=", "active"), eb("retired_at", ">", now)])
    );
  const keepAlg = options.keepAlg;
  if (keepAlg !== undefined) {
    q = q.where((eb) =>
      eb.or([
        eb("alg", "!=", keepAlg),
        eb.exists(
          eb.selectFrom("signing_keys as other").select("other.kid")
            .where("other.alg", "=", keepAlg)
            .where("other.kid", "!=", kid)
            .where((o) =>
              o.or([
                o("other.status", "=", "active"),
                o("other.retired_at", ">", now),
              ])
            ),
        ),
      ])
    );
  }
  const r = await q.executeTakeFirst();
  await changedCachedState(db);
  return Number(r.numUpdatedRows) === 1;
}

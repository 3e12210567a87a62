/** scopes: name, description (shown on consent), claims it releases. */
import { bumpConfigVersion, configCache } from "./config_cache.ts";
import type { DB, ScopeRow } from "./schema.ts";

/**
 * Every scope by name, from the configuration cache outside transactions
 * unless `fresh` (admin reads: never from a cache).
 */
export async function listScopes(
  db: DB,
  options: { fresh?: boolean } = {},
): Promise<ScopeRow[]> {
  const cache = options.fresh ? null : await configCache(db);
  if (cache?.scopes) return cache.scopes;
  const rows = await db.selectFrom("scopes").selectAll().orderBy("name")
    .execute();
  if (cache) cache.scopes = rows;
  return rows;
}

export async function findScopes(
  db: DB,
  names: readonly string[],
  options: { fresh?: boolean } = {},
): Promise<ScopeRow[]> {
  if (names.length === 0) return [];
  const wanted = new Set(names);
  return (await listScopes(db, options)).filter((s) => wanted.has(s.name));
}

export interface ScopeValues {
  name: string;
  description: string;
  claims: string[];
}

/** Inserts or replaces a scope; returns true when it was new. */
export async function upsertScope(
  db: DB,
  scope: ScopeValues,
  now: number,
): Promise<boolean> {
  const existing = await db.selectFrom("scopes").select("name")
    .where("name", "=", scope.name).executeTakeFirst();
  const claims = JSON.stringify(scope.claims);
  await db.insertInto("scopes")
    .values({
      name: scope.name,
      description: scope.description,
      claims,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc.column("name").doUpdateSet({
        description: scope.description,
        claims,
        updated_at: now,
      })
    )
    .execute();
  await bumpConfigVersion(db);
  return !existing;
}

/** Inserts scopes that do not exist yet; leaves edited ones alone. */
export async function insertScopesIfAbsent(
  db: DB,
  scopes: ScopeValues[],
  now: number,
): Promise<void> {
  let inserted = 0;
  for (const s of scopes) {
    const r = await db.insertInto("scopes").values({
      name: s.name,
      description: s.description,
      claims: JSON.stringify(s.claims),
      created_at: now,
      updated_at: now,
    }).onConflict((oc) => oc.column("name").doNothing()).executeTakeFirst();
    inserted += Number(r.numInsertedOrUpdatedRows ?? 0n);
  }
  if (inserted > 0) await bumpConfigVersion(db);
}

export async function deleteScope(db: DB, name: string): Promise<boolean> {
  const r = await db.deleteFrom("scopes").where("name", "=", name)
    .executeTakeFirst();
  await bumpConfigVersion(db);
  return Number(r.numDeletedRows) === 1;
}

export async function findScope(
  db: DB,
  name: string,
): Promise<ScopeRow | undefined> {
  return await db.selectFrom("scopes").selectAll().where("name", "=", name)
    .executeTakeFirst();
}

/**
 * An in-memory cache of what every request reads and admins rarely change:
 * clients with their policies, scopes, and what is built from them (the
 * discovery document). Every write to those tables goes through
 * lib/db/clients.ts or lib/db/scopes.ts, which call `bumpConfigVersion`:
 * every thread of this process drops its cache on its next read (the shared
 * counter of lib/db/invalidation.ts), and the new random version in
 * server_settings tells every other process within `CHECK_EVERY_MS`.
 *
 * A stale cache is replaced, never emptied in place: a read that began
 * before the change and finishes after it stores its rows into the
 * discarded object, not into the one later requests use.
 * @module
 */
import type { ClientWithPolicy } from "./clients.ts";
import { changedCachedState, generationOf } from "./invalidation.ts";
import type { DB, ScopeRow } from "./schema.ts";

const VERSION_KEY = "config_version";
/** How stale another process's change may be seen here. */
export const CHECK_EVERY_MS = 1000;
const MAX_CLIENTS = 10_000;

export interface ConfigCache {
  clients: Map<string, ClientWithPolicy | null>;
  scopes: ScopeRow[] | null;
  /** Values derived from the rows above (e.g. the discovery document). */
  derived: Map<string, unknown>;
}

interface CacheState {
  current: ConfigCache;
  /** The shared counter's value `current` was started under. */
  generation: number;
  version: string | null;
  checkedAt: number;
}

const states = new WeakMap<DB, CacheState>();

function emptyCache(): ConfigCache {
  return { clients: new Map(), scopes: null, derived: new Map() };
}

async function readVersion(db: DB): Promise<string | null> {
  const row = await db.selectFrom("server_settings").select("value")
    .where("key", "=", VERSION_KEY).executeTakeFirst();
  return row?.value ?? null;
}

/**
 * The cache for `db`, replaced first if any thread of this process changed
 * the configuration or another process's version differs. Null inside a
 * transaction: reads there must see the transaction's own writes.
 */
export async function configCache(db: DB): Promise<ConfigCache | null> {
  if (db.isTransaction) return null;
  let state = states.get(db);
  if (!state) {
    state = {
      current: emptyCache(),
      generation: generationOf(db).read(),
      version: null,
      checkedAt: -Infinity,
    };
    states.set(db, state);
  }
  if (Date.now() - state.checkedAt >= CHECK_EVERY_MS) {
    state.checkedAt = Date.now();
    const version = await readVersion(db);
    if (version !== state.version) {
      state.current = emptyCache();
      state.version = version;
    }
  }
  // Last, after any await: a change committed meanwhile must count.
  const generation = generationOf(db).read();
  if (state.generation !== generation) {
    state.current = emptyCache();
    state.generation = generation;
  }
  if (state.current.clients.size > MAX_CLIENTS) state.current = emptyCache();
  return state.current;
}

/**
 * A value computed from cached rows, kept until the cache is replaced.
 * Outside the cache (in a transaction) it is computed every time.
 */
export async function derivedFromConfig<T>(
  db: DB,
  key: string,
  compute: () => Promise<T>,
): Promise<T> {
  const cache = await configCache(db);
  if (cache?.derived.has(key)) return cache.derived.get(key) as T;
  const value = await compute();
  cache?.derived.set(key, value);
  return value;
}

/**
 * Records a configuration change: call after the write, in the same
 * transaction, so other processes see the new version only with the new
 * rows; this process's threads drop their caches once it commits.
 */
export async function bumpConfigVersion(db: DB): Promise<void> {
  const value = crypto.randomUUID();
  const now = Math.floor(Date.now() / 1000);
  await db.insertInto("server_settings")
    .values({ key: VERSION_KEY, value, updated_at: now })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({ value, updated_at: now })
    )
    .execute();
  await changedCachedState(db);
}

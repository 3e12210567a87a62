/**
 * An in-memory cache of what every request reads and admins rarely change:
 * clients with their policies, and scopes. Every write to those tables goes
 * through lib/db/clients.ts or lib/db/scopes.ts, which call
 * `bumpConfigVersion`: this process forgets its cache at once, and the new
 * random version in server_settings tells every other process (another
 * worker thread, another machine) within `CHECK_EVERY_MS`.
 * @module
 */
import type { ClientWithPolicy } from "./clients.ts";
import type { DB, ScopeRow } from "./schema.ts";

const VERSION_KEY = "config_version";
/** How stale another process's change may be seen here. */
export const CHECK_EVERY_MS = 1000;
const MAX_CLIENTS = 10_000;

/** Changes on every bump in this process (before and after the write). */
let localEpoch = 0;

export interface ConfigCache {
  clients: Map<string, ClientWithPolicy | null>;
  scopes: ScopeRow[] | null;
}

interface CacheState extends ConfigCache {
  epoch: number;
  version: string | null;
  checkedAt: number;
}

const states = new WeakMap<DB, CacheState>();

async function readVersion(db: DB): Promise<string | null> {
  const row = await db.selectFrom("server_settings").select("value")
    .where("key", "=", VERSION_KEY).executeTakeFirst();
  return row?.value ?? null;
}

/**
 * The cache for `db`, emptied first if this process changed the
 * configuration or another process's version differs. Null inside a
 * transaction: reads there must see the transaction's own writes.
 */
export async function configCache(db: DB): Promise<ConfigCache | null> {
  if (db.isTransaction) return null;
  let state = states.get(db);
  if (!state) {
    state = {
      clients: new Map(),
      scopes: null,
      epoch: localEpoch,
      version: null,
      checkedAt: -Infinity,
    };
    states.set(db, state);
  }
  if (state.epoch !== localEpoch) {
    state.clients.clear();
    state.scopes = null;
    state.epoch = localEpoch;
  }
  if (Date.now() - state.checkedAt >= CHECK_EVERY_MS) {
    const version = await readVersion(db);
    if (version !== state.version) {
      state.clients.clear();
      state.scopes = null;
      state.version = version;
    }
    state.checkedAt = Date.now();
  }
  if (state.clients.size > MAX_CLIENTS) state.clients.clear();
  return state;
}

/**
 * Records a configuration change: call in the same transaction as the
 * write, so other processes see the new version only with the new rows.
 */
export async function bumpConfigVersion(db: DB): Promise<void> {
  localEpoch++;
  const value = crypto.randomUUID();
  const now = Math.floor(Date.now() / 1000);
  await db.insertInto("server_settings")
    .values({ key: VERSION_KEY, value, updated_at: now })
    .onConflict((oc) =>
      oc.column("key").doUpdateSet({ value, updated_at: now })
    )
    .execute();
  localEpoch++;
}

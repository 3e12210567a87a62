/**
 * When cached state goes stale: one counter in shared memory for all the
 * threads of a process. The main thread makes it (a `SharedArrayBuffer`)
 * and hands it to every server thread in its start message; a committed
 * write to what the caches hold (clients, policies, scopes, signing keys)
 * adds one to it, and every cache compares the number it was filled under
 * with `Atomics.load` (nanoseconds) before it answers. So a write the admin
 * API acknowledged is seen by every thread on its next request. Other
 * processes learn of it from the version row (lib/db/config_cache.ts).
 *
 * The count must move *after* the commit: a thread that reads in between
 * would otherwise fill its cache with the old rows under the new number.
 * Inside a transaction the bump is held on the transaction's connection
 * and made by the driver once COMMIT (or ROLLBACK) returns.
 * @module
 */
import type {
  DatabaseConnection,
  Dialect,
  Driver,
  TransactionSettings,
} from "kysely";
import type { DB } from "./schema.ts";

/** The shared counter of one process (or of one test app). */
export class Generation {
  readonly buffer: SharedArrayBuffer;
  #cell: Int32Array;

  /** A new counter, or the one another thread made (`buffer`). */
  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(4)) {
    this.buffer = buffer;
    this.#cell = new Int32Array(buffer, 0, 1);
  }

  /** The current count: caches filled under another number are stale. */
  read(): number {
    return Atomics.load(this.#cell, 0);
  }

  /** Marks every cache of every thread sharing this counter stale. */
  bump(): void {
    Atomics.add(this.#cell, 0, 1);
  }
}

/** By query adapter: a Kysely instance and its transactions share one. */
const generations = new WeakMap<object, Generation>();
/** Used for a database handle opened without one (a script, a test). */
const unshared = new Generation();
/** Connections whose open transaction changed cached state. */
const bumpAtCommit = new WeakSet<DatabaseConnection>();

/** The counter behind `db` (a Kysely instance or one of its transactions). */
export function generationOf(db: DB): Generation {
  return generations.get(db.getExecutor().adapter) ?? unshared;
}

/** Ties `db` to `generation` (lib/db/connect.ts, when it opens a handle). */
export function registerGeneration(
  db: DB,
  generation: Generation,
): void {
  generations.set(db.getExecutor().adapter, generation);
}

/**
 * Call after a write to cached state: outside a transaction the write has
 * committed, so the counter moves now; inside one it moves when the
 * transaction ends.
 */
export async function changedCachedState(db: DB): Promise<void> {
  if (!db.isTransaction) {
    generationOf(db).bump();
    return;
  }
  await db.getExecutor().provideConnection((connection) => {
    bumpAtCommit.add(connection);
    return Promise.resolve();
  });
}

/**
 * `dialect` with a driver that bumps `generation` when a transaction that
 * changed cached state ends (after COMMIT; after ROLLBACK too, harmlessly).
 */
export function bumpingDialect(
  dialect: Dialect,
  generation: Generation,
): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new BumpingDriver(dialect.createDriver(), generation),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}

class BumpingDriver implements Driver {
  readonly #inner: Driver;
  readonly #generation: Generation;

  constructor(inner: Driver, generation: Generation) {
    this.#inner = inner;
    this.#generation = generation;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return this.#inner.acquireConnection();
  }

  beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    bumpAtCommit.delete(connection);
    return this.#inner.beginTransaction(connection, settings);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.#inner.commitTransaction(connection);
    } finally {
      this.#ended(connection);
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.#inner.rollbackTransaction(connection);
    } finally {
      this.#ended(connection);
    }
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.#inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }

  #ended(connection: DatabaseConnection): void {
    if (bumpAtCommit.delete(connection)) this.#generation.bump();
  }
}

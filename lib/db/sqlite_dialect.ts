/**
 * Kysely over Deno's built-in `node:sqlite`, with prepared statements cached
 * by SQL text (a select by key costs ~34 us instead of ~57 us). Kysely's own
 * SqliteDialect serialises access to the single connection; this module only
 * adapts `DatabaseSync` to the statement shape it expects.
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type Kysely,
  type QueryResult,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from "kysely";
import { GroupCommit, type GroupedWork } from "./group_commit.ts";
import type { Database } from "./schema.ts";
import { WriteLock } from "./write_lock.ts";

const STATEMENT_CACHE_LIMIT = 500;

type SQLValue = null | number | bigint | string | Uint8Array;

interface CachedStatement {
  readonly reader: boolean;
  all(parameters: ReadonlyArray<unknown>): unknown[];
  run(
    parameters: ReadonlyArray<unknown>,
  ): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown>;
}

function toSQLValues(parameters: ReadonlyArray<unknown>): SQLValue[] {
  return parameters.map((p) => {
    if (typeof p === "boolean") return p ? 1 : 0;
    if (p === undefined) return null;
    return p as SQLValue;
  });
}

/**
 * Rows are fetched as arrays and given their column names here: node:sqlite's
 * own row objects have a null prototype and so V8's slow dictionary
 * properties, and building and reading them costs more than the select (an
 * 18-column token row with its user: 5.5 us as objects, 2.4 us this way, in a
 * loop inside one read transaction). Objects built in the same key order share
 * one shape, so the code reading them stays fast too. A repeated column name
 * keeps its last value, as node:sqlite's objects do.
 */
function wrapStatement(stmt: StatementSync): CachedStatement {
  const names = stmt.columns().map((column) => column.name);
  const run = (params: ReadonlyArray<unknown>) =>
    stmt.run(...toSQLValues(params));
  if (names.length === 0) {
    return {
      reader: false,
      all: (params) => stmt.all(...toSQLValues(params)),
      run,
      iterate: (params) =>
        stmt.iterate(...toSQLValues(params)) as IterableIterator<unknown>,
    };
  }
  // Present in Deno 2.9's node:sqlite (as in Node 24), absent from its types.
  (stmt as StatementSync & { setReturnArrays(on: boolean): void })
    .setReturnArrays(true);
  const toRow = (values: unknown): Record<string, unknown> => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) {
      row[names[i]] = (values as unknown[])[i];
    }
    return row;
  };
  return {
    reader: true,
    all: (params) => stmt.all(...toSQLValues(params)).map(toRow),
    run,
    iterate: function* (params) {
      for (const values of stmt.iterate(...toSQLValues(params))) {
        yield toRow(values);
      }
    },
  };
}

/** How long opening waits for other processes switching a new file to WAL. */
const WAL_SWITCH_WAIT_MS = 5000;

/**
 * `PRAGMA journal_mode = WAL`, tried again while another connection holds
 * the file. Processes opening one new file at once each need it locked
 * alone to switch it; SQLite answers one of two that would wait for each
 * other "database is locked" at once, without its busy handler (seen with
 * three server processes starting together), so the wait is here.
 */
function switchToWAL(db: DatabaseSync): void {
  const deadline = Date.now() + WAL_SWITCH_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      db.exec("PRAGMA journal_mode = WAL");
      return;
    } catch (err) {
      const busy = /database is locked|SQLITE_BUSY/i.test(String(err));
      if (!busy || Date.now() >= deadline) throw err;
      // Opening is synchronous: a short blocking pause, then again.
      Atomics.wait(pause, 0, 0, 5 + Math.random() * 20);
    }
  }
}

/** The database named by DATABASE_URL cannot be opened: the operator must fix it. */
export class DatabaseOpenError extends Error {
  override name = "DatabaseOpenError";
}

/**
 * Opens a SQLite file with the pragmas this server relies on.
 * `autocheckpointPages` raises the WAL size at which a commit checkpoints
 * (SQLite's default: 1000) when a checkpointer thread does it instead.
 */
export function openSQLite(
  path: string,
  options: { autocheckpointPages?: number } = {},
): DatabaseSync {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (err) {
    throw new DatabaseOpenError(
      `cannot open the SQLite database ${path} (DATABASE_URL): ` +
        `${(err as Error).message}; does its directory exist, and may this ` +
        "process write there?",
      { cause: err },
    );
  }
  // busy_timeout lets several processes share the file; it comes first so
  // that switching a fresh file to WAL waits for another process doing the
  // same instead of failing with "database is locked".
  // (The server's threads wait for each other on write_lock.ts first.)
  db.exec("PRAGMA busy_timeout = 5000");
  // WAL + synchronous=NORMAL survives a killed process (not a power cut) at
  // ~5x the write rate of FULL.
  switchToWAL(db);
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA foreign_keys = ON");
  if (options.autocheckpointPages !== undefined) {
    const pages = Math.trunc(options.autocheckpointPages);
    db.exec(`PRAGMA wal_autocheckpoint = ${pages}`);
  }
  return db;
}

/**
 * A query run on the connection at once, without Kysely's connection
 * mutex and promise chain (~10 us a query): for the hot lookups and writes
 * (lib/db/prepared.ts). Outside a transaction the connection holds nothing
 * uncommitted and Kysely runs each statement synchronously, so a statement
 * here cannot interleave with one of Kysely's; while another request's
 * transaction is open on the connection (between its awaits) `execute`
 * answers null and the caller queues through Kysely as before, so it never
 * reads or writes inside someone else's transaction. Inside its own
 * transaction a request holds the one connection (Kysely's mutex) from
 * BEGIN to COMMIT, so `executeInTransaction` runs there directly.
 */
export interface DirectSQLite {
  /** Rows (or [] for a statement without result columns); null: use Kysely. */
  execute(sql: string, parameters: ReadonlyArray<unknown>): unknown[] | null;
  /** The same, for a statement of the transaction that holds the connection. */
  executeInTransaction(
    sql: string,
    parameters: ReadonlyArray<unknown>,
  ): unknown[];
  /** A lone write, committed with the others of this turn (group_commit.ts). */
  writeGrouped(sql: string, parameters: ReadonlyArray<unknown>): Promise<void>;
  /** A synchronous transaction, committed with the others of this turn. */
  transactionGrouped<T>(work: GroupedWork<T>): Promise<T>;
}

/** By query adapter: a Kysely instance and its transactions share one. */
const directHandles = new WeakMap<object, DirectSQLite>();

/** The direct runner behind a SQLite Kysely instance or its transaction. */
export function directSQLite(db: Kysely<Database>): DirectSQLite | undefined {
  return directHandles.get(db.getExecutor().adapter);
}

/** Ties `kysely` to the direct runner of the dialect it was built with. */
export function registerDirectSQLite(
  kysely: Kysely<Database>,
  dialect: SqliteDialect,
): void {
  const direct = dialectDirect.get(dialect);
  if (direct) directHandles.set(kysely.getExecutor().adapter, direct);
}

const dialectDirect = new WeakMap<SqliteDialect, DirectSQLite>();

/**
 * A Kysely dialect for a `node:sqlite` database. `lock`: the write lock
 * this connection shares with the process's other threads (write_lock.ts);
 * default: one of its own.
 */
export function createSQLiteDialect(
  db: DatabaseSync,
  lock: WriteLock = new WriteLock(),
): SqliteDialect {
  const cache = new Map<string, CachedStatement>();
  const database = {
    prepare(sql: string): CachedStatement {
      let stmt = cache.get(sql);
      if (!stmt) {
        if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
        stmt = wrapStatement(db.prepare(sql));
        // DDL and transaction statements are not worth keeping; nor is a
        // `*`: node:sqlite keeps the column names from when the statement
        // was prepared, so once another process adds a column, `t.*, x`
        // would return x's value under the wrong name (lib/db/schema.ts).
        if (
          /^\s*(select|insert|update|delete|with)/i.test(sql) &&
          !sql.includes("*")
        ) {
          cache.set(sql, stmt);
        }
      }
      return stmt;
    },
    close(): void {
      cache.clear();
      db.close();
    },
  };
  // deno-lint-ignore no-explicit-any
  const config: SqliteDialectConfig = { database: database as any };
  const dialect = new ImmediateSqliteDialect(
    config,
    () => new ImmediateSqliteDriver(config, db, lock),
  );
  const run = (sql: string, parameters: ReadonlyArray<unknown>) => {
    const stmt = database.prepare(sql);
    if (stmt.reader) return stmt.all(parameters);
    stmt.run(parameters);
    return [];
  };
  const group = new GroupCommit(db, run, lock);
  dialectDirect.set(dialect, {
    execute(sql, parameters) {
      return db.isTransaction ? null : run(sql, parameters);
    },
    executeInTransaction: run,
    writeGrouped: (sql, parameters) => group.write(sql, parameters),
    transactionGrouped: (work) => group.transaction(work),
  });
  return dialect;
}

/**
 * Transactions start with `BEGIN IMMEDIATE`, taking the write lock first
 * (waiting up to busy_timeout for it). Kysely's plain `BEGIN` is deferred:
 * with several connections on one file - server threads (WORKERS), several
 * processes - a transaction that reads, then writes after another
 * connection committed fails at once with SQLITE_BUSY (its snapshot is
 * stale; busy_timeout does not apply), so two admins editing one client at
 * the same moment saw 503s.
 *
 * Before SQLite's lock, each write takes the threads' (write_lock.ts): a
 * transaction from BEGIN until COMMIT or ROLLBACK, a statement outside one
 * for as long as it runs.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  readonly #db: DatabaseSync;
  readonly #lock: WriteLock;
  #connection: LockingConnection | null = null;
  /** The open transaction holds the lock (it may have waited in vain). */
  #transactionHolds = false;

  constructor(config: SqliteDialectConfig, db: DatabaseSync, lock: WriteLock) {
    super(config);
    this.#db = db;
    this.#lock = lock;
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    this.#connection ??= new LockingConnection(
      await super.acquireConnection(),
      this.#db,
      this.#lock,
    );
    return this.#connection;
  }

  override async beginTransaction(
    connection: DatabaseConnection,
  ): Promise<void> {
    const held = await this.#lock.acquire();
    try {
      await inner(connection).executeQuery(
        CompiledQuery.raw("begin immediate"),
      );
      this.#transactionHolds = held;
    } catch (err) {
      if (held) this.#lock.release();
      throw err;
    }
  }

  override async commitTransaction(
    connection: DatabaseConnection,
  ): Promise<void> {
    try {
      await inner(connection).executeQuery(CompiledQuery.raw("commit"));
    } finally {
      // A failed COMMIT leaves the transaction open for Kysely's ROLLBACK.
      if (!this.#db.isTransaction) this.#letGo();
    }
  }

  override async rollbackTransaction(
    connection: DatabaseConnection,
  ): Promise<void> {
    try {
      await inner(connection).executeQuery(CompiledQuery.raw("rollback"));
    } finally {
      this.#letGo();
    }
  }

  #letGo(): void {
    if (this.#transactionHolds) this.#lock.release();
    this.#transactionHolds = false;
  }
}

function inner(connection: DatabaseConnection): DatabaseConnection {
  return connection instanceof LockingConnection
    ? connection.inner
    : connection;
}

/** Reads, which never wait for the writer: everything else is a write. */
const READ = /^\s*select\b/i;

/** Kysely's connection, holding the write lock for each write outside a transaction. */
class LockingConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly db: DatabaseSync,
    private readonly lock: WriteLock,
  ) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.db.isTransaction || READ.test(query.sql)) {
      return await this.inner.executeQuery<R>(query);
    }
    const held = await this.lock.acquire();
    try {
      return await this.inner.executeQuery<R>(query);
    } finally {
      if (held) this.lock.release();
    }
  }

  streamQuery<R>(
    query: CompiledQuery,
    chunkSize: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

/** SQLite's dialect with the driver above. */
class ImmediateSqliteDialect extends SqliteDialect {
  readonly #createDriver: () => Driver;

  constructor(config: SqliteDialectConfig, createDriver: () => Driver) {
    super(config);
    this.#createDriver = createDriver;
  }

  override createDriver(): Driver {
    return this.#createDriver();
  }
}

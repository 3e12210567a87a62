/**
 * Opens the database named by the configuration: SQLite through node:sqlite
 * (default, embedded) or PostgreSQL through a `pg` pool.
 * @module
 */
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import {
  type DatabaseTarget,
  DEFAULT_DATABASE_QUERY_TIMEOUT_MS,
} from "../config.ts";
import type { Database } from "./schema.ts";
import { FALLBACK_AUTOCHECKPOINT_PAGES } from "./checkpointer.ts";
import {
  bumpingDialect,
  Generation,
  registerGeneration,
} from "./invalidation.ts";
import { registerDirectPostgres } from "./pg_direct.ts";
import {
  createSQLiteDialect,
  openSQLite,
  registerDirectSQLite,
} from "./sqlite_dialect.ts";
import type { WriteLock } from "./write_lock.ts";

export type Engine = DatabaseTarget["engine"];

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** PostgreSQL pool usage (absent for SQLite). */
  poolStats?: () => { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

const PG_INT8 = 20;

/**
 * How long a request waits for a PostgreSQL connection (a free one from the
 * pool, or a new one) and for one query's answer. Every query here is a
 * lookup by key or a small write; past these the database is down, frozen
 * or unreachable, and the request answers 503 within a few seconds instead
 * of hanging (a SYN to a dead host is retried for minutes, a frozen server
 * never answers).
 */
export const PG_CONNECT_TIMEOUT_MS = 2_000;
/** The default per-query limit (config: DATABASE_QUERY_TIMEOUT_MS). */
export const PG_QUERY_TIMEOUT_MS = DEFAULT_DATABASE_QUERY_TIMEOUT_MS;

export interface ConnectOptions {
  /** PostgreSQL connections in the pool (default 10). */
  poolSize?: number;
  /**
   * Per-query timeout on PostgreSQL (default PG_QUERY_TIMEOUT_MS; 0: none,
   * for migrations, which may wait on another instance's migration lock).
   */
  queryTimeoutMs?: number;
  /** SQLite: a checkpointer thread runs (lib/db/checkpointer.ts). */
  checkpointsElsewhere?: boolean;
  /**
   * The counter committed changes to cached state move (shared by the
   * server threads of a process: lib/db/invalidation.ts); default: its own.
   */
  generation?: Generation;
  /**
   * SQLite: the write lock shared with the process's other server threads
   * (lib/db/write_lock.ts); default: one of its own.
   */
  writeLock?: WriteLock;
}

/**
 * A `pg` client whose query gives up after `timeoutMs` by closing the
 * connection. pg's own `query_timeout` rejects the promise but leaves the
 * query running on a connection that goes back to the pool - behind it the
 * next queries queue, and a `BEGIN` that completes later would leave the
 * connection inside a transaction nobody commits. A closed connection is
 * dropped by the pool instead (it is no longer queryable).
 */
function timedClient(timeoutMs: number): typeof pg.Client {
  return class TimedClient extends pg.Client {
    // deno-lint-ignore no-explicit-any
    query(...args: any[]): any {
      // deno-lint-ignore no-explicit-any
      const result = (super.query as any)(...args);
      if (!(result instanceof Promise)) return result;
      const timer = setTimeout(() => {
        // The pending query fails with "Connection terminated", which the
        // app answers with 503.
        // deno-lint-ignore no-explicit-any
        (this as any).connection?.stream?.destroy();
      }, timeoutMs);
      return result.finally(() => clearTimeout(timer));
    }
  };
}

/** Opens a database; the caller owns `close()`. */
export function connectDatabase(
  target: DatabaseTarget,
  options: ConnectOptions = {},
): DatabaseHandle {
  const generation = options.generation ?? new Generation();
  if (target.engine === "sqlite") {
    const dialect = createSQLiteDialect(
      openSQLite(target.path, {
        autocheckpointPages: options.checkpointsElsewhere
          ? FALLBACK_AUTOCHECKPOINT_PAGES
          : undefined,
      }),
      options.writeLock,
    );
    const db = new Kysely<Database>({
      dialect: bumpingDialect(dialect, generation),
    });
    registerDirectSQLite(db, dialect);
    registerGeneration(db, generation);
    return { db, engine: "sqlite", close: () => db.destroy() };
  }
  const queryTimeoutMs = options.queryTimeoutMs ?? PG_QUERY_TIMEOUT_MS;
  const pool = new pg.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS,
    ...(queryTimeoutMs > 0 ? { Client: timedClient(queryTimeoutMs) } : {}),
    // Epoch seconds are bigint columns; numbers are exact to 2^53.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === PG_INT8
          ? (v: string) => Number(v)
          // deno-lint-ignore no-explicit-any
          : pg.types.getTypeParser(oid, format as any),
    },
  });
  // A connection that dies while a request holds it (PostgreSQL crashed or
  // restarted) makes its client emit "error"; the pool listens only while
  // the client is idle, and an unheard "error" event kills the process. The
  // request's own query already fails with the error (answered 503), and the
  // pool drops the client when it comes back, as it is no longer queryable.
  pool.on("connect", (client: pg.PoolClient) => {
    client.on("error", () => {});
  });
  // A dropped idle connection must not crash the process.
  pool.on("error", (err: Error) => {
    console.error(
      JSON.stringify({
        level: "error",
        msg: "postgres pool",
        err: err.message,
      }),
    );
  });
  const db = new Kysely<Database>({
    dialect: bumpingDialect(new PostgresDialect({ pool }), generation),
  });
  registerDirectPostgres(db, pool);
  registerGeneration(db, generation);
  return {
    db,
    engine: "postgres",
    poolStats: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
    }),
    close: () => db.destroy(),
  };
}

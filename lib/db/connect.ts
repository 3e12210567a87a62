/**
 * Opens the database named by the configuration: SQLite through node:sqlite
 * (default, embedded) or PostgreSQL through a `pg` pool.
 * @module
 */
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { DatabaseTarget } from "../config.ts";
import type { Database } from "./schema.ts";
import { createSQLiteDialect, openSQLite } from "./sqlite_dialect.ts";

export type Engine = DatabaseTarget["engine"];

export interface DatabaseHandle {
  db: Kysely<Database>;
  engine: Engine;
  /** PostgreSQL pool usage (absent for SQLite). */
  poolStats?: () => { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

const PG_INT8 = 20;

/** Opens a database; the caller owns `close()`. */
export function connectDatabase(
  target: DatabaseTarget,
  options: { poolSize?: number } = {},
): DatabaseHandle {
  if (target.engine === "sqlite") {
    const db = new Kysely<Database>({
      dialect: createSQLiteDialect(openSQLite(target.path)),
    });
    return { db, engine: "sqlite", close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 10,
    // Epoch seconds are bigint columns; numbers are exact to 2^53.
    types: {
      getTypeParser: (oid: number, format?: string) =>
        oid === PG_INT8
          ? (v: string) => Number(v)
          // deno-lint-ignore no-explicit-any
          : pg.types.getTypeParser(oid, format as any),
    },
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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
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

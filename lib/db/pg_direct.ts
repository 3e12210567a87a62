/**
 * PostgreSQL named prepared statements for the queries of
 * lib/db/prepared.ts. Through Kysely every query is parsed and planned
 * again by the server (an unnamed statement); a named one is parsed once per
 * connection and then only bound and executed, which saves PostgreSQL CPU on
 * every token lookup and insert. Used outside transactions only: a
 * transaction's queries must go to the connection Kysely holds for it.
 *
 * With pgbouncer in transaction mode this needs pgbouncer 1.21 or later
 * with `max_prepared_statements` set (protocol-level prepared statements).
 * @module
 */
import type pg from "pg";
import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";
import { isDatabaseUnavailable } from "./unavailable.ts";

/** By query adapter: a Kysely instance and its transactions share one. */
const pools = new WeakMap<object, pg.Pool>();

/** Lets prepared queries on `kysely` use named statements on `pool`. */
export function registerDirectPostgres(
  kysely: Kysely<Database>,
  pool: pg.Pool,
): void {
  pools.set(kysely.getExecutor().adapter, pool);
}

/** The pool behind a PostgreSQL Kysely instance, when registered. */
export function directPostgres(db: Kysely<Database>): pg.Pool | undefined {
  return pools.get(db.getExecutor().adapter);
}

/**
 * SQLSTATEs of a named statement that no longer fits the schema (a migration
 * by another instance added a column to a `select *`: "cached plan must not
 * change result type") or was lost by the connection.
 */
const STALE_STATEMENT = new Set(["0A000", "26000"]);

/**
 * One named statement on a pooled connection (unnamed when `name` is
 * undefined); null when the named statement went stale (the caller runs
 * the query unnamed instead, and the connection, which holds the stale
 * statement, is dropped). Not `pool.query`: that passes a callback, which
 * the per-query timeout (lib/db/connect.ts) does not wrap. A connection
 * that failed is handed back as broken too.
 */
export async function queryNamed<R>(
  pool: pg.Pool,
  name: string | undefined,
  text: string,
  values: unknown[],
): Promise<R[] | null> {
  const client = await pool.connect();
  let failed: Error | undefined;
  try {
    return (await client.query({ name, text, values })).rows as R[];
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (name && typeof code === "string" && STALE_STATEMENT.has(code)) {
      failed = err as Error;
      return null;
    }
    if (isDatabaseUnavailable(err)) failed = err as Error;
    throw err;
  } finally {
    client.release(failed);
  }
}

/** `queryNamed`, run once more unnamed when the named statement went stale. */
export async function queryPrepared<R>(
  pool: pg.Pool,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  return await queryNamed<R>(pool, name, text, values) ??
    (await queryNamed<R>(pool, undefined, text, values))!;
}

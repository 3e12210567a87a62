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

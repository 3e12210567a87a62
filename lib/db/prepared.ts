/**
 * Queries built and compiled once per database handle, then run with new
 * parameter values: the hot lookups (token by hash, user by id, session by
 * id) skip Kysely's builder and compiler on every request, which is most of
 * their cost over node:sqlite (~57 us -> ~10 us a select). The SQL text is
 * identical each time, so the SQLite driver's statement cache and
 * PostgreSQL's plan both get reused.
 *
 * The query is built with sentinel strings in place of the arguments; each
 * compiled parameter equal to a sentinel is replaced by the argument at run
 * time, the others (constants written into the builder) are kept.
 *
 * On SQLite the statement runs on the connection at once (see
 * `DirectSQLite`), skipping Kysely's per-query machinery too; on PostgreSQL,
 * outside transactions, it is a named prepared statement (pg_direct.ts).
 * @module
 */
import type { Compilable, CompiledQuery } from "kysely";
import type { DB } from "./schema.ts";
import { directPostgres, queryNamed } from "./pg_direct.ts";
import { directSQLite } from "./sqlite_dialect.ts";

interface Compiled<R> {
  query: CompiledQuery<R>;
  /** For each compiled parameter: the argument index it takes, or -1. */
  slots: number[];
}

let statements = 0;

export interface PreparedOptions {
  /**
   * A single-row write that may share its commit with the other lone
   * writes of this turn on SQLite (lib/db/group_commit.ts); inside a
   * transaction it runs in the transaction as usual.
   */
  groupCommit?: boolean;
}

/** A prepared query's SQL and parameter values for one call. */
export interface BoundStatement {
  sql: string;
  parameters: unknown[];
}

/** A prepared query: call it to run it, or `bind` it to run it elsewhere. */
export interface Prepared<A extends unknown[], R> {
  (db: DB, ...args: A): Promise<R[]>;
  /**
   * The SQL for `db`'s dialect with these arguments, not run: for
   * statements that run together (a grouped transaction on SQLite, one
   * statement of several on PostgreSQL).
   */
  bind(db: DB, ...args: A): BoundStatement;
}

/**
 * Wraps a query builder into a function that compiles once per dialect.
 * Name the columns (no `selectAll`): see the column lists in schema.ts.
 * @example
 * const findUser = prepared((db, id: string) =>
 *   db.selectFrom("users").select(USER_COLUMNS).where("id", "=", id));
 * const [user] = await findUser(db, "u1");
 */
export function prepared<A extends unknown[], R>(
  build: (db: DB, ...args: A) => Compilable<R>,
  options: PreparedOptions = {},
): Prepared<A, R> {
  // By query adapter: the SQL depends only on the dialect, and a Kysely
  // instance shares its adapter with its transactions.
  const cache = new WeakMap<object, Compiled<R>>();
  // One name per query: PostgreSQL prepares it once per connection.
  const statementName = `oauth_prepared_${++statements}`;
  const compiledFor = (db: DB, args: A): Compiled<R> => {
    const adapter = db.getExecutor().adapter;
    let compiled = cache.get(adapter);
    if (!compiled) {
      const sentinels = args.map((_, i) => `\u0000prepared-${i}\u0000`);
      const query = build(db, ...(sentinels as unknown as A)).compile();
      const slots = query.parameters.map((p) =>
        typeof p === "string" ? sentinels.indexOf(p) : -1
      );
      compiled = { query, slots };
      cache.set(adapter, compiled);
    }
    return compiled;
  };
  const parametersFor = ({ query, slots }: Compiled<R>, args: A) =>
    slots.map((slot, i) => slot === -1 ? query.parameters[i] : args[slot]);
  const bind = (db: DB, ...args: A): BoundStatement => {
    const compiled = compiledFor(db, args);
    return {
      sql: compiled.query.sql,
      parameters: parametersFor(compiled, args),
    };
  };
  const run = async (db: DB, ...args: A): Promise<R[]> => {
    const compiled = compiledFor(db, args);
    const { query } = compiled;
    const parameters = parametersFor(compiled, args);
    const pool = db.isTransaction ? undefined : directPostgres(db);
    if (pool) {
      const rows = await queryNamed<R>(
        pool,
        statementName,
        query.sql,
        parameters,
      );
      if (rows) return rows;
    }
    const direct = directSQLite(db);
    if (direct) {
      if (options.groupCommit && !db.isTransaction) {
        await direct.writeGrouped(query.sql, parameters);
        return [];
      }
      if (db.isTransaction) {
        return direct.executeInTransaction(query.sql, parameters) as R[];
      }
      const rows = direct.execute(query.sql, parameters);
      if (rows) return rows as R[];
    }
    const result = await db.executeQuery<R>({ ...query, parameters });
    return result.rows;
  };
  return Object.assign(run, { bind });
}

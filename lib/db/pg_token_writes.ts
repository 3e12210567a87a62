/**
 * The token writes on PostgreSQL, batched per event loop turn
 * (lib/db/pg_batch.ts): storing an issued token, and a refresh rotation
 * (retire the presented token, store its successors). Each is one
 * statement over every member of the turn; rows travel as JSON and are
 * turned back into table rows by `json_populate_record`, so the SQL names
 * no column types and fits any number of rows.
 * @module
 */
import type { Insertable } from "kysely";
import type pg from "pg";
import { PgBatch } from "./pg_batch.ts";
import {
  ACCESS_TOKEN_COLUMNS,
  type Database,
  REFRESH_TOKEN_COLUMNS,
} from "./schema.ts";
import type { Rotation } from "./tokens.ts";

type TokenTable = "access_tokens" | "refresh_tokens";

const COLUMNS: Record<TokenTable, readonly string[]> = {
  access_tokens: ACCESS_TOKEN_COLUMNS,
  refresh_tokens: REFRESH_TOKEN_COLUMNS,
};

/** `a."c1", a."c2", ...`: a table's columns, from the record alias `a`. */
function columnList(table: TokenTable, alias?: string): string {
  return COLUMNS[table].map((c) => alias ? `${alias}."${c}"` : `"${c}"`)
    .join(", ");
}

/**
 * INSERT of the turn's rows of `table`, one statement, sent when none is
 * out (client_credentials 7.3-8.0k -> 8.7k req/s against the timer; the
 * rotations below lost on it, docs/performance.md).
 */
function insertBatch(table: TokenTable) {
  return new PgBatch<object, void>({
    name: `oauth_batch_insert_${table}`,
    sql: `insert into "${table}" (${columnList(table)}) select ${
      columnList(table, "r")
    } from json_populate_recordset(null::"${table}", $1::json) as r`,
    parameters: (rows) => [JSON.stringify(rows)],
    answers: (_rows, rows) => rows.map(() => undefined),
  }, "idle");
}

const inserts: Record<TokenTable, PgBatch<object, void>> = {
  access_tokens: insertBatch("access_tokens"),
  refresh_tokens: insertBatch("refresh_tokens"),
};

/** Stores one issued token row with the other rows of this turn. */
export function insertTokenBatched<T extends TokenTable>(
  pool: pg.Pool,
  table: T,
  row: Insertable<Database[T]>,
): Promise<void> {
  return inserts[table].run(pool, row);
}

/**
 * The turn's rotations in one statement. Its UPDATE's conditions for a
 * live token are `retireRefreshToken`'s in lib/db/tokens.ts (SQLite's). `input` holds one member per
 * presented token (`distinct on`: of members presenting the same token in
 * one batch the first is tried, the others lose as to a concurrent
 * rotation), sorted by token hash, so concurrent batches lock rows in the
 * same order. The UPDATE retires each token still live and returns its
 * member. It finds the tokens by `= any($2)` over their hashes, which the
 * planner answers from the primary key whatever its statistics say (a join
 * on the JSON rows alone, estimated at 100, was planned as a scan of the
 * whole table while the table was new). The INSERTs store successors only
 * for the members it returned, so a token another rotation took stores
 * nothing.
 */
const rotations = new PgBatch<Rotation, boolean, { ord: number }>({
  name: "oauth_batch_rotate_refresh_token",
  sql: `with input as (
  select distinct on (i.old_hash) i.*
  from json_to_recordset($1::json) as i(
    ord int, old_hash text, now bigint, successor text,
    successor_until bigint, access json, refresh json)
  order by i.old_hash, i.ord
), retired as (
  update "refresh_tokens" as t
  set "consumed_at" = i.now, "successor" = i.successor,
    "successor_until" = i.successor_until
  from input as i
  where t."token_hash" = any($2::text[]) and t."token_hash" = i.old_hash
    and t."consumed_at" is null
    and t."revoked_at" is null and t."expires_at" > i.now
  returning i.ord, i.access, i.refresh
), stored_access as (
  insert into "access_tokens" (${columnList("access_tokens")})
  select ${columnList("access_tokens", "a")} from retired,
    json_populate_record(null::"access_tokens", retired.access) as a
), stored_refresh as (
  insert into "refresh_tokens" (${columnList("refresh_tokens")})
  select ${columnList("refresh_tokens", "r")} from retired,
    json_populate_record(null::"refresh_tokens", retired.refresh) as r
  where retired.refresh is not null
)
select ord from retired`,
  parameters: (batch) => [
    JSON.stringify(batch.map((rotation, ord) => ({
      ord,
      old_hash: rotation.tokenHash,
      now: rotation.now,
      successor: rotation.successor,
      successor_until: rotation.successorUntil,
      access: rotation.accessToken,
      refresh: rotation.refreshToken,
    }))),
    batch.map((rotation) => rotation.tokenHash),
  ],
  answers: (rows, batch) => {
    const retired = batch.map(() => false);
    for (const { ord } of rows) retired[ord] = true;
    return retired;
  },
});

/**
 * Retires a live refresh token and stores what replaces it, all or
 * nothing, in this turn's rotation statement; false (nothing stored) when
 * the token was no longer live.
 */
export function rotateBatched(
  pool: pg.Pool,
  rotation: Rotation,
): Promise<boolean> {
  return rotations.run(pool, rotation);
}

/** Batch sizes seen, for tests. */
export const tokenBatchStats = {
  inserts: (table: TokenTable) => inserts[table].stats,
  rotations: () => rotations.stats,
};

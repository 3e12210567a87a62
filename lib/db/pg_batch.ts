/**
 * Batched statements for PostgreSQL: what the requests of one event loop
 * turn ask of one statement (a token lookup each, a client_credentials
 * token each, a refresh rotation each) is sent as one statement over all
 * of them (`key = any($1)`, rows bound as one JSON array), instead of one
 * round trip each and, for writes, one commit and one WAL flush each. The
 * SQL text is the same for any number of members, so it stays one named
 * prepared statement per connection. Measured with a durable PostgreSQL on
 * loopback: 32 concurrent single-row token inserts cost ~190 us of
 * PostgreSQL CPU and ~80 us of the server's each; in batches, ~50 and ~40.
 *
 * Nobody is answered before the statement that holds their row returned,
 * and a statement is its own transaction (autocommit): durability is what
 * a statement of their own had. When a batch of several fails for
 * anything but an unavailable database (a constraint one member broke),
 * each member runs again alone, so only the one at fault sees the error.
 * @module
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from "kysely";
import type pg from "pg";
import { queryPrepared } from "./pg_direct.ts";
import type { Database } from "./schema.ts";
import { isDatabaseUnavailable } from "./unavailable.ts";

/** Rows in one statement at most; more wait for the next statement. */
export const MAX_BATCH_ROWS = 256;

interface Member<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (err: unknown) => void;
}

/** Observed batch sizes, for tests (count, largest). */
export interface BatchStats {
  batches: number;
  members: number;
  largest: number;
}

export interface BatchStatement<I, O, R> {
  /** The prepared statement's name, unique in the process. */
  name: string;
  /** SQL over the whole batch; its parameters come from `parameters`. */
  sql: string;
  /** The statement's parameter values for these members, in order. */
  parameters(inputs: I[]): unknown[];
  /** Each member's answer from the statement's rows, in member order. */
  answers(rows: R[], inputs: I[]): O[];
}

/**
 * When a batch's statement goes: `timer` on a 0 ms timer, which Deno runs
 * ~2.1 ms later, so the members of that window share a statement and, for
 * writes, a commit; `idle` right after the turn (setImmediate) when none of
 * this batch's statements is out on the pool, else as soon as the one out
 * returns (or after `IDLE_WAIT_MS` on a statement of its own, so that a
 * statement that hangs on a frozen database holds back no one but its own
 * members), so the batch grows with the load instead of with a wait.
 */
export type BatchFlush = "timer" | "idle";

/** How long an `idle` batch waits for the statement out before going anyway. */
export const IDLE_WAIT_MS = 5;

/**
 * One batched statement: `run` queues a member for this turn's statement
 * on `pool` and resolves with its answer once that statement returned.
 */
export class PgBatch<I, O, R = unknown> {
  #queues = new WeakMap<pg.Pool, Member<I, O>[]>();
  /** Statements of this batch out on each pool (`idle` flushing). */
  #out = new WeakMap<pg.Pool, number>();
  readonly stats: BatchStats = { batches: 0, members: 0, largest: 0 };

  constructor(
    private readonly statement: BatchStatement<I, O, R>,
    private readonly flush: BatchFlush = "timer",
    private readonly idleWaitMs = IDLE_WAIT_MS,
  ) {}

  run(pool: pg.Pool, input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      let queue = this.#queues.get(pool);
      if (!queue) {
        queue = [];
        this.#queues.set(pool, queue);
        if (this.flush === "timer") setTimeout(() => this.#flush(pool), 0);
        else if (!this.#out.get(pool)) setImmediate(() => this.#flush(pool));
        // The statement out flushes this queue when it returns, unless the
        // wait runs out first.
        else {setTimeout(() =>
            this.#flushIfStill(pool, queue!), this.idleWaitMs);}
      }
      queue.push({ input, resolve, reject });
    });
  }

  /** Flushes `queue` if it is still the one waiting (not sent meanwhile). */
  #flushIfStill(pool: pg.Pool, queue: Member<I, O>[]): void {
    if (this.#queues.get(pool) === queue) this.#flush(pool);
  }

  #flush(pool: pg.Pool): void {
    const queue = this.#queues.get(pool);
    if (!queue) return;
    this.#queues.delete(pool);
    for (let i = 0; i < queue.length; i += MAX_BATCH_ROWS) {
      this.#send(pool, queue.slice(i, i + MAX_BATCH_ROWS));
    }
  }

  async #send(pool: pg.Pool, members: Member<I, O>[]): Promise<void> {
    this.stats.batches++;
    this.stats.members += members.length;
    this.stats.largest = Math.max(this.stats.largest, members.length);
    this.#out.set(pool, (this.#out.get(pool) ?? 0) + 1);
    let answers: O[];
    try {
      answers = await this.#query(pool, members);
    } catch (err) {
      if (members.length === 1 || isDatabaseUnavailable(err)) {
        for (const m of members) m.reject(err);
        return;
      }
      // One member broke a constraint: each alone, so the error is its own.
      for (const m of members) this.#send(pool, [m]);
      return;
    } finally {
      const out = (this.#out.get(pool) ?? 1) - 1;
      this.#out.set(pool, out);
      if (out === 0 && this.flush === "idle") this.#flush(pool);
    }
    members.forEach((m, i) => m.resolve(answers[i]));
  }

  async #query(pool: pg.Pool, members: Member<I, O>[]): Promise<O[]> {
    const { name, sql, parameters, answers } = this.statement;
    const inputs = members.map((m) => m.input);
    const rows = await queryPrepared<R>(pool, name, sql, parameters(inputs));
    return answers(rows, inputs);
  }
}

/**
 * Builds and compiles queries for PostgreSQL without a connection: the SQL
 * of a batched statement is known before any database is opened.
 */
export const postgresCompiler = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * Lookups by one text key, batched: `sql` takes the turn's keys as `$1`
 * (a text array: `key = any($1::text[])`), and each member gets the row
 * whose `keyOf` is its key, or undefined.
 */
export function batchedLookup<R>(
  name: string,
  sql: string,
  keyOf: (row: R) => string,
  flush: BatchFlush = "timer",
): PgBatch<string, R | undefined, R> {
  return new PgBatch<string, R | undefined, R>({
    name,
    sql,
    parameters: (keys) => [keys],
    answers: (rows, keys) => {
      const byKey = new Map(rows.map((row) => [keyOf(row), row]));
      return keys.map((key) => byKey.get(key));
    },
  }, flush);
}

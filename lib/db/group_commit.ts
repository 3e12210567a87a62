/**
 * Group commit for SQLite writes: lone single-statement writes (a
 * client_credentials token) and small synchronous transactions (a refresh
 * rotation: retire the old token, store the new ones) made outside any
 * Kysely transaction are queued for one event loop turn and committed
 * together in one `BEGIN IMMEDIATE ... COMMIT`, so a burst of token
 * requests on one thread pays for one WAL commit instead of one each.
 * Nobody is answered before the commit that holds their rows returned:
 * durability is what a transaction of their own had (WAL,
 * synchronous=NORMAL), only cheaper.
 *
 * A lone statement that fails inside the group (a constraint) is undone
 * alone (SQLite's statement atomicity); a transaction runs inside a
 * SAVEPOINT of the group, so one that throws is rolled back to it, whole
 * and alone. Only its caller sees the error. When the commit itself fails,
 * every caller of the group does and nothing of it is kept. While a Kysely
 * transaction holds the connection (between its awaits), the group waits
 * for the next turn rather than write inside it.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

/** Runs one statement on the connection: its rows ([] for a write). */
export type Run = (sql: string, parameters: ReadonlyArray<unknown>) => unknown;

/** Statements run synchronously through `run`, all or none kept. */
export type GroupedWork<T> = (run: Run) => T;

interface Pending {
  work: GroupedWork<unknown>;
  /** More than one statement: needs a savepoint of its own in a group. */
  several: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** Observed group sizes, for tests and the bench (count, largest). */
export interface GroupStats {
  groups: number;
  writes: number;
  largest: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

export class GroupCommit {
  #queue: Pending[] = [];
  #scheduled = false;
  readonly stats: GroupStats = { groups: 0, writes: 0, largest: 0 };

  constructor(
    private readonly db: DatabaseSync,
    private readonly run: Run,
  ) {}

  /** Runs `sql` in the next group; resolves once the group is committed. */
  write(sql: string, parameters: ReadonlyArray<unknown>): Promise<void> {
    return this.#enqueue((run) => {
      run(sql, parameters);
    }, false);
  }

  /**
   * Runs `work` as one transaction in the next group; resolves with what it
   * returned once the group is committed. `work` must be synchronous and
   * touch the database only through `run`.
   */
  transaction<T>(work: GroupedWork<T>): Promise<T> {
    return this.#enqueue(work, true);
  }

  #enqueue<T>(work: GroupedWork<T>, several: boolean): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({
        work,
        several,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.#schedule();
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => {
      this.#scheduled = false;
      this.#flush();
    }, 0);
  }

  #flush(): void {
    if (this.#queue.length === 0) return;
    if (this.db.isTransaction) {
      this.#schedule();
      return;
    }
    const group = this.#queue;
    this.#queue = [];
    this.stats.groups++;
    this.stats.writes += group.length;
    this.stats.largest = Math.max(this.stats.largest, group.length);
    if (group.length === 1 && !group[0].several) {
      const [only] = group;
      try {
        only.work(this.run);
        only.resolve(undefined);
      } catch (err) {
        only.reject(err);
      }
      return;
    }
    try {
      this.db.exec("BEGIN IMMEDIATE");
    } catch (err) {
      for (const p of group) p.reject(err);
      return;
    }
    let outcomes: Outcome[];
    try {
      // Alone, a transaction needs no savepoint: if it throws, the ROLLBACK
      // below undoes it and it gets its own error.
      outcomes = group.length === 1
        ? [{ ok: true, value: group[0].work(this.run) }]
        : group.map((p) => this.#runOne(p));
      this.db.exec("COMMIT");
    } catch (err) {
      if (this.db.isTransaction) {
        try {
          this.db.exec("ROLLBACK");
        } catch {
          // The connection's error is the one the callers need.
        }
      }
      for (const p of group) p.reject(err);
      return;
    }
    group.forEach((p, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.err);
    });
  }

  /**
   * One member of an open group; its failure is its own. Throws only when
   * a savepoint cannot be undone, which fails the whole group.
   */
  #runOne(p: Pending): Outcome {
    if (!p.several) {
      try {
        return { ok: true, value: p.work(this.run) };
      } catch (err) {
        return { ok: false, err };
      }
    }
    this.db.exec("SAVEPOINT grouped");
    try {
      const value = p.work(this.run);
      this.db.exec("RELEASE grouped");
      return { ok: true, value };
    } catch (err) {
      this.db.exec("ROLLBACK TO grouped");
      this.db.exec("RELEASE grouped");
      return { ok: false, err };
    }
  }
}

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
 * alone (SQLite's statement atomicity). Transactions run first without
 * savepoints (a SAVEPOINT each cost about a third of a rotation's database
 * CPU: SQLite copies every page a savepoint touches to a sub-journal); if
 * one throws, the whole group is rolled back and run again with each
 * transaction inside a SAVEPOINT of its own, so the one that throws is
 * rolled back to it, whole and alone, and the rest are kept. Only its
 * caller sees the error. When the commit itself fails, every caller of the
 * group does and nothing of it is kept. While a Kysely transaction holds
 * the connection (between its awaits), the group waits for the next turn
 * rather than write inside it. A group starts once this thread holds the
 * process's write lock (write_lock.ts): while another thread writes, the
 * queue keeps filling and goes in as one group when it lets go.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { setImmediate } from "node:timers";
import { WriteLock } from "./write_lock.ts";

/** Runs one statement on the connection: its rows ([] for a write). */
export type Run = (sql: string, parameters: ReadonlyArray<unknown>) => unknown;

/**
 * Statements run synchronously through `run`, all or none kept. It may run
 * twice (once more when another transaction of its group threw), so it
 * must touch nothing but the database, through `run`.
 */
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
  /** Groups run again with savepoints because a transaction threw. */
  reruns: number;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

export class GroupCommit {
  #queue: Pending[] = [];
  #scheduled = false;
  /** Waiting for the write lock: the wait flushes the queue, not the next turn. */
  #waiting = false;
  readonly stats: GroupStats = {
    groups: 0,
    writes: 0,
    largest: 0,
    reruns: 0,
  };

  constructor(
    private readonly db: DatabaseSync,
    private readonly run: Run,
    private readonly lock: WriteLock = new WriteLock(),
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
    // After this turn's I/O callbacks, not on a 0 ms timer: Deno runs one
    // ~2.1 ms later even when idle, which each lone token request waited
    // (client_credentials on one connection: 2.9 ms -> 0.2 ms).
    setImmediate(() => {
      this.#scheduled = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#queue.length === 0 || this.#waiting) return;
    if (this.db.isTransaction) {
      this.#schedule();
      return;
    }
    if (this.lock.tryAcquire()) this.#flushHolding(true);
    else this.#flushWhenFree();
  }

  async #flushWhenFree(): Promise<void> {
    this.#waiting = true;
    const held = await this.lock.acquire();
    this.#waiting = false;
    if (this.db.isTransaction) {
      if (held) this.lock.release();
      this.#schedule();
      return;
    }
    this.#flushHolding(held);
  }

  /** Commits the queue as one group, then lets go of the lock if `held`. */
  #flushHolding(held: boolean): void {
    const group = this.#queue;
    this.#queue = [];
    let outcomes: Outcome[] | null;
    try {
      outcomes = this.#commitGroup(group);
    } catch (err) {
      for (const p of group) p.reject(err);
      return;
    } finally {
      if (held) this.lock.release();
    }
    group.forEach((p, i) => {
      const outcome = (outcomes as Outcome[])[i];
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.err);
    });
  }

  /** Each member's outcome, once committed; throws when nothing was kept. */
  #commitGroup(group: Pending[]): Outcome[] {
    this.stats.groups++;
    this.stats.writes += group.length;
    this.stats.largest = Math.max(this.stats.largest, group.length);
    if (group.length === 1 && !group[0].several) {
      return [this.#runBare(group[0])];
    }
    const outcomes = this.#commit(group, false);
    if (outcomes) return outcomes;
    this.stats.reruns++;
    return this.#commit(group, true) as Outcome[];
  }

  /**
   * The group in one transaction: each member's outcome once committed.
   * Without `savepoints`, a transaction member that throws rolls the whole
   * group back and makes it null (run it again with them), unless it was
   * alone. Throws, with nothing kept, when the group's own BEGIN, COMMIT
   * or a savepoint's undo fails.
   */
  #commit(group: Pending[], savepoints: boolean): Outcome[] | null {
    this.db.exec("BEGIN IMMEDIATE");
    try {
      const outcomes: Outcome[] = [];
      for (const p of group) {
        const outcome = savepoints ? this.#runInSavepoint(p) : this.#runBare(p);
        if (!outcome.ok && p.several && !savepoints) {
          this.#rollback();
          return group.length === 1 ? [outcome] : null;
        }
        outcomes.push(outcome);
      }
      this.db.exec("COMMIT");
      return outcomes;
    } catch (err) {
      this.#rollback();
      throw err;
    }
  }

  #rollback(): void {
    if (!this.db.isTransaction) return;
    try {
      this.db.exec("ROLLBACK");
    } catch {
      // The connection's error is the one the callers need.
    }
  }

  /** One member without a savepoint: a transaction that throws leaves its writes. */
  #runBare(p: Pending): Outcome {
    try {
      return { ok: true, value: p.work(this.run) };
    } catch (err) {
      return { ok: false, err };
    }
  }

  /**
   * One member of an open group; its failure is its own. Throws only when
   * a savepoint cannot be undone, which fails the whole group.
   */
  #runInSavepoint(p: Pending): Outcome {
    if (!p.several) return this.#runBare(p);
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

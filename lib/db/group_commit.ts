/**
 * Group commit for lone SQLite writes: single-statement writes made outside
 * any transaction (a client_credentials token) are queued for one event
 * loop turn and committed together in one `BEGIN IMMEDIATE ... COMMIT`, so
 * a burst of token requests on one thread pays for one WAL commit instead
 * of one each. Nobody is answered before the commit that holds their row
 * returned: durability is what a lone statement had (WAL,
 * synchronous=NORMAL), only cheaper.
 *
 * A statement that fails inside the group (a constraint) is undone alone
 * (SQLite's statement atomicity) and only its caller sees the error; when
 * the commit itself fails, every caller of the group does and nothing of it
 * is kept. While a Kysely transaction holds the connection (between its
 * awaits), the group waits for the next turn rather than write inside it.
 * @module
 */
import type { DatabaseSync } from "node:sqlite";

interface Pending {
  sql: string;
  parameters: ReadonlyArray<unknown>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

type Run = (sql: string, parameters: ReadonlyArray<unknown>) => unknown;

/** Observed group sizes, for tests and the bench (count, largest). */
export interface GroupStats {
  groups: number;
  writes: number;
  largest: number;
}

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
    return new Promise((resolve, reject) => {
      this.#queue.push({ sql, parameters, resolve, reject });
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
    if (group.length === 1) {
      const [only] = group;
      try {
        this.run(only.sql, only.parameters);
        only.resolve();
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
    const failures = group.map((p) => {
      try {
        this.run(p.sql, p.parameters);
        return null;
      } catch (err) {
        return { err };
      }
    });
    try {
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
      const failed = failures[i];
      if (failed) p.reject(failed.err);
      else p.resolve();
    });
  }
}

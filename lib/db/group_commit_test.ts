import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { GroupCommit } from "./group_commit.ts";

function openTable(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL");
  db.exec("CREATE TABLE IF NOT EXISTS t (id TEXT PRIMARY KEY, v INTEGER)");
  return db;
}

function groupOn(db: DatabaseSync): GroupCommit {
  return new GroupCommit(db, (sql, parameters) => {
    const statement = db.prepare(sql);
    const values = parameters as (string | number | null)[];
    if (statement.columns().length > 0) return statement.all(...values);
    statement.run(...values);
    return [];
  });
}

/** A fresh table in a file of its own, for `test`; removed afterwards. */
async function withTable(
  test: (db: DatabaseSync, file: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/g.db`;
  const db = openTable(file);
  try {
    await test(db, file);
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** Rows another connection (another thread or process) sees committed. */
function committedRows(file: string): number {
  const other = new DatabaseSync(file);
  try {
    return (other.prepare("SELECT count(*) AS n FROM t").get() as { n: number })
      .n;
  } finally {
    other.close();
  }
}

function ids(db: DatabaseSync): string[] {
  return db.prepare("SELECT id FROM t ORDER BY id").all().map((r) =>
    String(r.id)
  );
}

const INSERT = "INSERT INTO t (id, v) VALUES (?, ?)";

Deno.test("group commit: 50 writes made at once share one commit, and every row is in the file when its write resolves", async () => {
  await withTable(async (db, file) => {
    const group = groupOn(db);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => group.write(INSERT, [`r${i}`, i])),
    );
    assert.deepEqual(group.stats, {
      groups: 1,
      writes: 50,
      largest: 50,
      reruns: 0,
    });
    // Another connection (another thread or process) sees them committed.
    assert.equal(committedRows(file), 50);
  });
});

Deno.test("group commit: a failing statement fails alone; the others of its group are committed", async () => {
  await withTable(async (db) => {
    db.prepare(INSERT).run("taken", 0);
    const group = groupOn(db);
    const results = await Promise.allSettled([
      group.write(INSERT, ["a", 1]),
      group.write(INSERT, ["taken", 2]),
      group.write(INSERT, ["b", 3]),
    ]);
    assert.deepEqual(results.map((r) => r.status), [
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    const rows = db.prepare("SELECT id, v FROM t ORDER BY id").all()
      .map((r) => ({ ...r }));
    assert.deepEqual(rows, [
      { id: "a", v: 1 },
      { id: "b", v: 3 },
      { id: "taken", v: 0 },
    ]);
  });
});

Deno.test("group commit: when the write lock cannot be had, every write of the group fails and none is kept", async () => {
  await withTable(async (db, file) => {
    const holder = new DatabaseSync(file);
    try {
      db.exec("PRAGMA busy_timeout = 0");
      holder.exec("BEGIN IMMEDIATE");
      const group = groupOn(db);
      const results = await Promise.allSettled([
        group.write(INSERT, ["x", 1]),
        group.write(INSERT, ["y", 2]),
      ]);
      assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
      holder.exec("ROLLBACK");
      assert.equal(db.isTransaction, false);
      assert.equal(
        (db.prepare("SELECT count(*) AS n FROM t").get() as { n: number }).n,
        0,
      );
    } finally {
      holder.close();
    }
  });
});

Deno.test("group commit: writes wait while another transaction holds the connection, then commit after it", async () => {
  await withTable(async (db) => {
    const group = groupOn(db);
    db.exec("BEGIN IMMEDIATE");
    db.prepare(INSERT).run("in-trx", 1);
    const write = group.write(INSERT, ["grouped", 2]);
    await new Promise((r) => setTimeout(r, 20));
    // Not inside the open transaction: rolling it back keeps the write.
    db.exec("ROLLBACK");
    await write;
    const rows = db.prepare("SELECT id FROM t").all().map((r) => r.id);
    assert.deepEqual(rows, ["grouped"]);
  });
});

Deno.test("group commit: 20 transactions made at once share one commit, each with what it returned", async () => {
  await withTable(async (db, file) => {
    const group = groupOn(db);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        group.transaction((run) => {
          run(INSERT, [`a${i}`, i]);
          run(INSERT, [`b${i}`, i]);
          return i * 2;
        })),
    );
    assert.deepEqual(results, Array.from({ length: 20 }, (_, i) => i * 2));
    assert.deepEqual(group.stats, {
      groups: 1,
      writes: 20,
      largest: 20,
      reruns: 0,
    });
    assert.equal(committedRows(file), 40);
  });
});

Deno.test("group commit: a transaction that throws halfway is undone whole and alone; lone writes and other transactions of its group are kept", async () => {
  await withTable(async (db) => {
    db.prepare(INSERT).run("taken", 0);
    const group = groupOn(db);
    const results = await Promise.allSettled([
      group.transaction((run) => {
        run(INSERT, ["first", 1]);
        run(INSERT, ["second", 2]);
      }),
      group.transaction((run) => {
        run(INSERT, ["half", 3]);
        run(INSERT, ["taken", 4]); // the primary key: this one fails
      }),
      group.write(INSERT, ["lone", 5]),
      group.transaction((run) => {
        run(INSERT, ["before-throw", 6]);
        throw new Error("the caller changed its mind");
      }),
      group.transaction((run) => {
        // Sees what earlier members of the group wrote, as a later
        // transaction would.
        const [row] = run("SELECT v FROM t WHERE id = ?", ["first"]) as {
          v: number;
        }[];
        run(INSERT, ["after", row.v + 10]);
      }),
    ]);
    assert.deepEqual(results.map((r) => r.status), [
      "fulfilled",
      "rejected",
      "fulfilled",
      "rejected",
      "fulfilled",
    ]);
    assert.match(
      String((results[3] as PromiseRejectedResult).reason),
      /changed its mind/,
    );
    assert.deepEqual(ids(db), ["after", "first", "lone", "second", "taken"]);
    // Run bare first, then again with a savepoint each once one threw.
    assert.equal(group.stats.reruns, 1);
    assert.equal(
      (db.prepare("SELECT v FROM t WHERE id = 'after'").get() as { v: number })
        .v,
      11,
    );
    assert.equal(db.isTransaction, false);
  });
});

Deno.test("group commit: a lone transaction gets a commit of its own, and a rolled-back one leaves nothing", async () => {
  await withTable(async (db) => {
    const group = groupOn(db);
    await group.transaction((run) => {
      run(INSERT, ["x", 1]);
      run(INSERT, ["y", 2]);
    });
    await assert.rejects(
      group.transaction((run) => {
        run(INSERT, ["z", 3]);
        run(INSERT, ["x", 4]);
      }),
      /UNIQUE constraint failed/,
    );
    assert.deepEqual(ids(db), ["x", "y"]);
    assert.equal(group.stats.reruns, 0);
    assert.equal(db.isTransaction, false);
  });
});

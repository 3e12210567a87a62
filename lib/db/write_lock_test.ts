import assert from "node:assert/strict";
import { type Kysely, sql } from "kysely";
import { connectDatabase, type DatabaseHandle } from "./connect.ts";
import type { Database } from "./schema.ts";
import { directSQLite } from "./sqlite_dialect.ts";
import {
  createWriteLockMemory,
  releaseHeldBy,
  WriteLock,
} from "./write_lock.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test("write lock: a second holder waits for the first to let go, then takes it", async () => {
  const memory = createWriteLockMemory();
  const first = new WriteLock(memory, 1);
  const second = new WriteLock(memory, 2);
  assert.equal(first.tryAcquire(), true);
  assert.equal(second.tryAcquire(), false);
  assert.equal(first.tryAcquire(), false, "not reentrant");
  let took = false;
  const waiting = second.acquire().then((held) => (took = held));
  await sleep(20);
  assert.equal(took, false, "still held by the first");
  second.release(); // not the holder: does nothing
  await sleep(20);
  assert.equal(took, false, "a non-holder cannot let go");
  first.release();
  assert.equal(await waiting, true);
  assert.equal(second.waits, 1);
  assert.equal(first.tryAcquire(), false, "now the second's");
  second.release();
  assert.equal(first.tryAcquire(), true);
});

Deno.test("write lock: a claimant gets the lock ahead of a writer that takes it again at once, and the others wait for it", async () => {
  const memory = createWriteLockMemory();
  const writer = new WriteLock(memory, 1);
  const other = new WriteLock(memory, 2);
  const claimant = new WriteLock(memory, -1);
  assert.equal(writer.tryAcquire(), true);
  const claimed = claimant.acquireFirst();
  assert.equal(
    await new WriteLock(memory, 3).acquireFirst().then((held) => held),
    false,
    "one claimant at a time",
  );
  writer.release();
  assert.equal(writer.tryAcquire(), false, "claimed: not taken again");
  let otherHeld = false;
  const otherWaits = other.acquire().then((held) => (otherHeld = held));
  assert.equal(await claimed, true);
  await sleep(20);
  assert.equal(otherHeld, false, "the others wait while the claimant holds it");
  claimant.release();
  assert.equal(await otherWaits, true, "woken when the claimant lets go");
  other.release();
  assert.equal(writer.tryAcquire(), true, "no claim left behind");
  writer.release();
});

Deno.test("write lock: a waiter gives up after its wait, without taking the lock", async () => {
  const memory = createWriteLockMemory();
  const holder = new WriteLock(memory, 1);
  const waiter = new WriteLock(memory, 2, 50);
  assert.equal(holder.tryAcquire(), true);
  const started = performance.now();
  assert.equal(await waiter.acquire(), false);
  assert.ok(performance.now() - started >= 45);
  waiter.release();
  assert.equal(waiter.tryAcquire(), false, "still the holder's");
});

Deno.test("write lock: the lock of a holder that died is freed and its waiter woken", async () => {
  const memory = createWriteLockMemory();
  const dead = new WriteLock(memory, 3);
  const waiter = new WriteLock(memory, 4);
  assert.equal(dead.tryAcquire(), true);
  const waiting = waiter.acquire();
  releaseHeldBy(memory, 4); // not the holder: nothing happens
  await sleep(10);
  assert.equal(new WriteLock(memory, 5).tryAcquire(), false);
  releaseHeldBy(memory, 3);
  assert.equal(await waiting, true);
  waiter.release();
});

Deno.test("write lock: holder ids are non-zero integers", () => {
  assert.throws(() => new WriteLock(createWriteLockMemory(), 0), RangeError);
  assert.throws(() => new WriteLock(createWriteLockMemory(), 1.5), RangeError);
});

/**
 * Two connections on one file sharing one lock, as two server threads do,
 * here on one thread: had the second gone to SQLite's lock while the
 * first's transaction is open, SQLite's busy handler would sleep this
 * thread, the first could never commit, and the second would fail with
 * "database is locked" after busy_timeout.
 */
async function withTwoConnections(
  test: (a: Kysely<Database>, b: Kysely<Database>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir();
  const memory = createWriteLockMemory();
  const handles: DatabaseHandle[] = [1, 2].map((id) =>
    connectDatabase({ engine: "sqlite", path: `${dir}/w.db` }, {
      writeLock: new WriteLock(memory, id),
    })
  );
  try {
    const [a, b] = handles.map((h) => h.db);
    await sql`CREATE TABLE t (id TEXT PRIMARY KEY)`.execute(a);
    await test(a, b);
  } finally {
    for (const h of handles) await h.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The largest gap between ticks of a 5 ms timer while `work` runs. */
async function largestTimerGap(work: Promise<unknown>): Promise<number> {
  let last = performance.now();
  let largest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    largest = Math.max(largest, now - last);
    last = now;
  }, 5);
  try {
    await work;
  } finally {
    clearInterval(timer);
  }
  return Math.max(largest, performance.now() - last);
}

const ids = async (db: Kysely<Database>) =>
  (await sql<{ id: string }>`SELECT id FROM t ORDER BY id`.execute(db)).rows
    .map((r) => r.id);

Deno.test("write lock: while one connection's transaction is open, the other's writes wait for it without stopping the event loop", async () => {
  await withTwoConnections(async (a, b) => {
    const order: string[] = [];
    const first = a.transaction().execute(async (trx) => {
      await sql`INSERT INTO t (id) VALUES ('a')`.execute(trx);
      await sleep(150);
      order.push("a committed");
    });
    await sleep(10);
    const direct = directSQLite(b)!;
    const others = Promise.all([
      direct.writeGrouped("INSERT INTO t (id) VALUES (?)", ["grouped"]).then(
        () => order.push("grouped"),
      ),
      direct.transactionGrouped((run) => {
        run("INSERT INTO t (id) VALUES (?)", ["grouped-trx"]);
      }).then(() => order.push("grouped-trx")),
      sql`INSERT INTO t (id) VALUES ('statement')`.execute(b).then(() =>
        order.push("statement")
      ),
      b.transaction().execute(async (trx) => {
        await sql`INSERT INTO t (id) VALUES ('trx')`.execute(trx);
      }).then(() => order.push("trx")),
    ]);
    const gap = await largestTimerGap(Promise.all([first, others]));
    assert.equal(order[0], "a committed");
    assert.deepEqual(
      order.slice(1).sort(),
      ["grouped", "grouped-trx", "statement", "trx"],
    );
    assert.ok(gap < 100, `the event loop stopped for ${gap.toFixed(0)} ms`);
    assert.deepEqual(await ids(a), [
      "a",
      "grouped",
      "grouped-trx",
      "statement",
      "trx",
    ]);
  });
});

Deno.test("write lock: a transaction rolled back or a statement that failed lets go of the lock", async () => {
  await withTwoConnections(async (a, b) => {
    await assert.rejects(
      a.transaction().execute(async (trx) => {
        await sql`INSERT INTO t (id) VALUES ('x')`.execute(trx);
        throw new Error("changed my mind");
      }),
      /changed my mind/,
    );
    await assert.rejects(
      sql`INSERT INTO t (id) VALUES ('d'), ('d')`.execute(a),
      /UNIQUE/,
    );
    // Each would wait 5 s (and then fail) if a had kept the lock.
    const started = performance.now();
    await sql`INSERT INTO t (id) VALUES ('b')`.execute(b);
    await b.transaction().execute((trx) =>
      sql`INSERT INTO t (id) VALUES ('c')`.execute(trx)
    );
    assert.ok(performance.now() - started < 1000);
    assert.deepEqual(await ids(b), ["b", "c"]);
  });
});

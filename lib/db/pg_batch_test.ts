/**
 * PgBatch's `idle` flushing, against a stand-in pool whose statements return
 * when the test says: what waits for the statement out, and what goes
 * without it. tests/oauth/token_batches_test.ts runs the batches on a real
 * PostgreSQL.
 */
import assert from "node:assert/strict";
import type pg from "pg";
import { IDLE_WAIT_MS, PgBatch } from "./pg_batch.ts";

/** A pool whose queries each wait for `answer()`; `sent` lists their keys. */
function heldPool() {
  const sent: string[][] = [];
  const pending: (() => void)[] = [];
  const pool = {
    connect: () =>
      Promise.resolve({
        query: ({ values }: { values: unknown[] }) => {
          const keys = values[0] as string[];
          sent.push(keys);
          return new Promise((resolve) =>
            pending.push(() => resolve({ rows: keys.map((key) => ({ key })) }))
          );
        },
        release() {},
      }),
  } as unknown as pg.Pool;
  const answer = () => pending.shift()!();
  return { pool, sent, answer };
}

function echoBatch(idleWaitMs: number) {
  return new PgBatch<string, string, { key: string }>(
    {
      name: "echo",
      sql: "select",
      parameters: (keys) => [keys],
      answers: (rows) => rows.map((row) => row.key),
    },
    "idle",
    idleWaitMs,
  );
}

const turn = () => new Promise((resolve) => setImmediate(resolve));
const ms = (n: number) => new Promise((resolve) => setTimeout(resolve, n));

Deno.test("idle batch: goes right after the turn, and what comes while it is out goes as one when it returns", async () => {
  const { pool, sent, answer } = heldPool();
  // A wait no slow machine runs out, so only the statement's return counts.
  const batch = echoBatch(60_000);
  const first = batch.run(pool, "a");
  await turn();
  assert.deepEqual(sent, [["a"]], "sent after the turn, no timer");
  const later = [batch.run(pool, "b"), batch.run(pool, "c")];
  await turn();
  batch.run(pool, "d").then((d) => later.push(Promise.resolve(d)));
  await turn();
  assert.equal(sent.length, 1, "nothing more while the first is out");
  answer();
  assert.equal(await first, "a");
  await turn();
  assert.deepEqual(sent[1], ["b", "c", "d"]);
  answer();
  assert.deepEqual(await Promise.all(later.slice(0, 2)), ["b", "c"]);
});

Deno.test("idle batch: a statement that does not return holds back only its own members", async () => {
  const { pool, sent, answer } = heldPool();
  const batch = echoBatch(IDLE_WAIT_MS);
  const stuck = batch.run(pool, "a");
  await turn();
  const next = batch.run(pool, "b");
  await ms(IDLE_WAIT_MS * 4);
  assert.deepEqual(sent, [["a"], ["b"]], "went on its own after the wait");
  answer();
  answer();
  assert.equal(await stuck, "a");
  assert.equal(await next, "b");
});

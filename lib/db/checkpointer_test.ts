import assert from "node:assert/strict";
import { createMemoryLogger } from "../log.ts";
import { startCheckpointer } from "./checkpointer.ts";
import { openSQLite } from "./sqlite_dialect.ts";
import { createWriteLockMemory, WriteLock } from "./write_lock.ts";

const ROW_BYTES = 2048;
/** Rows written in each run: 32 MiB of row data. */
const ROWS = 16000;
const ROWS_PER_TRANSACTION = 10;

/**
 * Writes ROWS rows without pause (ROWS_PER_TRANSACTION a transaction, the
 * lock held around each, as the group commit does); returns the rows
 * stored and the times the WAL started over.
 * The writer never checkpoints: only the checkpointer thread does.
 */
async function writeUnderCheckpointer(
  completeAtPages: number,
): Promise<{ restarts: number; rows: number; stored: number }> {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/wal.db`;
  const db = openSQLite(path, { autocheckpointPages: 0 });
  db.exec("create table t (id integer primary key, v blob, k text)");
  db.exec("create index t_k on t (k)");
  const memory = createWriteLockMemory();
  const lock = new WriteLock(memory, 1);
  const log = createMemoryLogger();
  const checkpointer = await startCheckpointer(path, log, memory, {
    intervalMs: 10,
    completeAtPages,
  });
  const insert = db.prepare("insert into t (v, k) values (?, ?)");
  let rows = 0;
  try {
    while (rows < ROWS) {
      assert(await lock.acquire());
      try {
        db.exec("begin immediate");
        for (let i = 0; i < ROWS_PER_TRANSACTION; i++, rows++) {
          insert.run(
            crypto.getRandomValues(new Uint8Array(ROW_BYTES)),
            crypto.randomUUID(),
          );
        }
        db.exec("commit");
      } finally {
        lock.release();
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await checkpointer.stop();
  }
  // The WAL header's checkpoint sequence number (big-endian, bytes 12-15)
  // counts the times the WAL started over.
  const header = (await Deno.readFile(`${path}-wal`)).subarray(0, 16);
  const restarts = new DataView(header.buffer, header.byteOffset).getUint32(12);
  const { n } = db.prepare("select count(*) as n from t").get() as {
    n: number;
  };
  db.close();
  await Deno.remove(dir, { recursive: true });
  assert.deepEqual(log.lines, [], "the checkpointer reported no failure");
  return { restarts, rows, stored: n };
}

Deno.test("checkpointer: under writes without pause the WAL starts over, which it does not without the locked pass", async () => {
  // Without it (a WAL size it never reaches) the checkpointer copies frames
  // but never finds the WAL complete, so the WAL keeps every frame: the
  // ~40 MiB checkpoint in a request that the locked pass prevents.
  const kept = await writeUnderCheckpointer(Number.MAX_SAFE_INTEGER);
  assert.equal(kept.stored, kept.rows, "every committed row is in the table");
  // (A writer descheduled long enough lets a pass complete now and then.)
  const restarted = await writeUnderCheckpointer(100);
  assert.equal(restarted.stored, restarted.rows);
  assert(
    restarted.restarts >= 2 && restarted.restarts >= 2 * kept.restarts,
    `the WAL started over ${restarted.restarts} times with the locked pass, ` +
      `${kept.restarts} without`,
  );
});

import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { loadConfig } from "../config.ts";
import { openDeps } from "../deps.ts";
import { createMemoryLogger } from "../log.ts";
import {
  BackupError,
  backupSQLite,
  checkCopy,
  restoreSQLite,
} from "./sqlite_backup.ts";

const SECRET = "backup-test-secret-0123456789-abcdefghijklmnop";

/** A migrated server database (with its first signing key) in a fresh dir. */
async function serverDatabase(): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "backup-test-" });
  const path = `${dir}/oauth.db`;
  const kv = await Deno.openKv(":memory:");
  const deps = await openDeps(
    loadConfig({ DATABASE_URL: `sqlite:///${path}`, APP_SECRET: SECRET }),
    { kv, log: createMemoryLogger() },
  );
  await deps.close();
  kv.close();
  return { dir, path };
}

async function refused(
  fn: () => Promise<unknown> | unknown,
  pattern: RegExp,
): Promise<void> {
  await assert.rejects(async () => await fn(), (err: unknown) => {
    assert.ok(err instanceof BackupError, `expected BackupError: ${err}`);
    assert.match(err.message, pattern);
    return true;
  });
}

Deno.test("backup: copies a live database into a checked file and refuses to overwrite one", async () => {
  const { dir, path } = await serverDatabase();
  // A connection that keeps writing (as the server does) while it is copied.
  const writer = new DatabaseSync(path);
  writer.exec("CREATE TABLE load (n INTEGER)");
  writer.exec("INSERT INTO load VALUES (1)");
  try {
    const copy = await backupSQLite(path, `${dir}/backup.db`);
    writer.exec("INSERT INTO load VALUES (2)");
    assert.equal(copy.path, `${dir}/backup.db`);
    assert.equal(copy.signingKeys, 1);
    assert.match(copy.migration, /^\d{4}[a-z]?_/);
    assert.ok(copy.bytes > 0);
    // The copy is the database as of the backup, not a link to it.
    const db = new DatabaseSync(`${dir}/backup.db`, { readOnly: true });
    assert.deepEqual(
      db.prepare("SELECT n FROM load").all().map((r) => r.n),
      [1],
    );
    db.close();
    await refused(
      () => backupSQLite(path, `${dir}/backup.db`),
      /backup\.db exists/,
    );
    await refused(
      () => backupSQLite(`${dir}/absent.db`, `${dir}/b2.db`),
      /no database there/,
    );
    // Nothing half-written is left beside the backup.
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.ok(!names.some((n) => n.includes(".partial-")), names.join(","));
  } finally {
    writer.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("backup: a file that is not this server's database, or is damaged, is refused by name", async () => {
  const { dir, path } = await serverDatabase();
  try {
    await Deno.writeTextFile(`${dir}/notes.txt`, "not a database at all\n");
    await refused(() => checkCopy(`${dir}/notes.txt`), /notes\.txt: not a/);
    const other = new DatabaseSync(`${dir}/other.db`);
    other.exec("CREATE TABLE t (x)");
    other.close();
    await refused(
      () => checkCopy(`${dir}/other.db`),
      /not an authorization server database/,
    );
    // Overwrite the middle of the file: SQLite's own check notices.
    const copy = await backupSQLite(path, `${dir}/backup.db`);
    const bytes = await Deno.readFile(copy.path);
    const pageSize = (bytes[16] << 8) | bytes[17];
    bytes.fill(0xa5, pageSize * 2 + 8, pageSize * 4);
    await Deno.writeFile(`${dir}/damaged.db`, bytes);
    await refused(
      () => checkCopy(`${dir}/damaged.db`),
      /damaged\.db: (integrity_check failed|not a readable)/,
    );
    await refused(
      () => restoreSQLite(`${dir}/damaged.db`, `${dir}/fresh/oauth.db`),
      /damaged\.db/,
    );
    await assert.rejects(Deno.stat(`${dir}/fresh/oauth.db`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("restore: fills an empty data directory, refuses a database already there unless --force, never one in use", async () => {
  const { dir, path } = await serverDatabase();
  try {
    const copy = await backupSQLite(path, `${dir}/backup.db`);
    const target = `${dir}/data/oauth.db`;
    const restored = await restoreSQLite(copy.path, target);
    assert.equal(restored.path, target);
    assert.equal(restored.replaced, null);
    assert.equal(checkCopy(target).signingKeys, 1);

    await refused(
      () => restoreSQLite(copy.path, target),
      /already has a database.*--force/,
    );

    // While a process has it open, not even --force replaces it.
    const server = new DatabaseSync(target);
    server.exec("PRAGMA journal_mode = WAL");
    server.prepare("SELECT count(*) FROM signing_keys").get();
    await refused(
      () => restoreSQLite(copy.path, target, { force: true }),
      /in use .*stop it/,
    );
    server.exec("INSERT INTO kysely_migration VALUES ('9999_marker', 'x')");
    server.close();

    const forced = await restoreSQLite(copy.path, target, { force: true });
    assert.ok(forced.replaced, "the old database was moved aside");
    const old = new DatabaseSync(forced.replaced!, { readOnly: true });
    assert.ok(
      old.prepare("SELECT 1 FROM kysely_migration WHERE name = '9999_marker'")
        .get(),
      "the moved-aside file is the old database, marker included",
    );
    old.close();
    assert.notEqual(checkCopy(target).migration, "9999_marker");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

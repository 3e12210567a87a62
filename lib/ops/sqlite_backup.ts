/**
 * Backup and restore of the SQLite database (`deno task backup`, `deno task
 * restore`). A backup is SQLite's online backup of a live database: copied
 * in one step, inside one read transaction, so it is the database as of one
 * commit while the server goes on writing (WAL mode: readers never block
 * writers). A restore checks the copy and puts it where DATABASE_URL points,
 * never over a database a server has open.
 *
 * The copy holds the signing keys encrypted with a key derived from
 * APP_SECRET: a restore needs the same APP_SECRET, which is not in the copy.
 * PostgreSQL is backed up with pg_dump (docs/production.md).
 * @module
 */
import { backup, DatabaseSync } from "node:sqlite";

/** What a backup or restore wrote, and what it checked in the copy. */
export interface CopySummary {
  path: string;
  bytes: number;
  /** The newest migration the copy has (its schema version). */
  migration: string;
  signingKeys: number;
}

/** A refusal the operator can act on; `message` is one line. */
export class BackupError extends Error {
  override name = "BackupError";
}

const SIDE_FILES = ["-wal", "-shm", "-journal"];

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
}

function suffix(): string {
  return crypto.randomUUID().slice(0, 8);
}

/**
 * Runs `PRAGMA integrity_check` and checks the file is this server's
 * database (it has the migration table and signing keys). Throws
 * BackupError naming what is wrong (as `name`). `journal: "delete"` leaves it one
 * self-contained file (no -wal beside it), as a backup should be.
 */
export function checkCopy(
  path: string,
  options: { journal?: "delete"; name?: string } = {},
): Omit<CopySummary, "bytes"> {
  // Messages name the file the operator gave, not our temporary copy.
  const name = options.name ?? path;
  let db: DatabaseSync;
  try {
    // Read-write: closing a WAL-mode file then removes its -wal and -shm.
    db = new DatabaseSync(path);
  } catch (err) {
    throw new BackupError(`${name}: cannot open (${(err as Error).message})`);
  }
  try {
    let problems: string[];
    try {
      problems = db.prepare("PRAGMA integrity_check").all().map((row) =>
        String(Object.values(row)[0])
      );
    } catch (err) {
      throw new BackupError(
        `${name}: not a readable SQLite database (${(err as Error).message})`,
      );
    }
    if (problems.length !== 1 || problems[0] !== "ok") {
      // (a damaged file is reported, never repaired or converted)
      throw new BackupError(
        `${name}: integrity_check failed: ${problems.slice(0, 3).join("; ")}`,
      );
    }
    const tables = new Set(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all()
        .map((row) => String(row.name)),
    );
    if (!tables.has("kysely_migration") || !tables.has("signing_keys")) {
      throw new BackupError(
        `${name}: not an authorization server database (no migrations or signing keys)`,
      );
    }
    const migration = db.prepare(
      "SELECT name FROM kysely_migration ORDER BY name DESC LIMIT 1",
    ).get();
    const keys = db.prepare("SELECT count(*) AS n FROM signing_keys").get();
    if (options.journal === "delete") db.exec("PRAGMA journal_mode = DELETE");
    return {
      path,
      migration: String(migration?.name ?? "none"),
      signingKeys: Number(keys?.n ?? 0),
    };
  } finally {
    db.close();
  }
}

/**
 * Copies the live database at `source` to `destination` (which must not
 * exist), checks the copy, then moves it into place, so `destination` is
 * either absent or a complete, checked backup.
 */
export async function backupSQLite(
  source: string,
  destination: string,
): Promise<CopySummary> {
  if (!await exists(source)) {
    throw new BackupError(`${source}: no database there (check DATABASE_URL)`);
  }
  if (await exists(destination)) {
    throw new BackupError(`${destination} exists; choose a new file name`);
  }
  const partial = `${destination}.partial-${suffix()}`;
  const db = new DatabaseSync(source);
  try {
    // A server may hold the write lock for a moment; wait for it.
    db.exec("PRAGMA busy_timeout = 5000");
    // All pages in one step (-1): one read transaction, one snapshot. In
    // smaller steps every commit by the server would restart the copy.
    await backup(db, partial, { rate: -1 });
  } catch (err) {
    await Deno.remove(partial).catch(() => {});
    throw new BackupError(
      `backup of ${source} failed: ${(err as Error).message}`,
    );
  } finally {
    db.close();
  }
  try {
    const checked = checkCopy(partial, {
      journal: "delete",
      name: `the copy of ${source}`,
    });
    await fsync(partial);
    await Deno.rename(partial, destination);
    return { ...checked, path: destination, bytes: await size(destination) };
  } catch (err) {
    await Deno.remove(partial).catch(() => {});
    throw err;
  }
}

/**
 * Puts the backup `file` at `target` (DATABASE_URL's path). Refuses when a
 * database is already there unless `force`, which moves the old one (and
 * its -wal/-shm) aside as `target.replaced-TIME`; refuses in any case while
 * a server has it open.
 */
export async function restoreSQLite(
  file: string,
  target: string,
  options: { force?: boolean } = {},
): Promise<CopySummary & { replaced: string | null }> {
  const present = [];
  for (const p of [target, ...SIDE_FILES.map((s) => target + s)]) {
    if (await exists(p)) present.push(p);
  }
  if (present.length && !options.force) {
    throw new BackupError(
      `${target} already has a database; restore into an empty data directory, or pass --force to move it aside`,
    );
  }
  if (await exists(target)) assertNotInUse(target);
  const slash = target.lastIndexOf("/");
  if (slash > 0) {
    await Deno.mkdir(target.slice(0, slash), { recursive: true, mode: 0o700 });
  }
  // Checked as copied, beside the target: the backup file is only read.
  const partial = `${target}.restoring-${suffix()}`;
  let checked;
  try {
    await Deno.copyFile(file, partial);
    checked = checkCopy(partial, { name: file });
    await fsync(partial);
  } catch (err) {
    await Deno.remove(partial).catch(() => {});
    throw err;
  }
  let replaced: string | null = null;
  if (present.length) {
    replaced = `${target}.replaced-${
      new Date().toISOString().replace(/[:.]/g, "")
    }`;
    // Each side file keeps its place next to the moved database.
    for (const p of present) {
      await Deno.rename(p, replaced + p.slice(target.length));
    }
  }
  await Deno.rename(partial, target);
  return {
    ...checked,
    path: target,
    bytes: await size(target),
    replaced,
  };
}

/**
 * A server keeps its connection open, which holds a shared lock: taking
 * the database exclusively fails at once while any process uses it.
 */
function assertNotInUse(path: string): void {
  const db = new DatabaseSync(path);
  try {
    db.exec("PRAGMA busy_timeout = 0");
    db.exec("PRAGMA locking_mode = EXCLUSIVE");
    db.exec("BEGIN EXCLUSIVE");
    db.exec("COMMIT");
  } catch {
    throw new BackupError(
      `${path} is in use (is the server running?); stop it before restoring`,
    );
  } finally {
    db.close();
  }
}

async function fsync(path: string): Promise<void> {
  const f = await Deno.open(path, { read: true, write: true });
  try {
    await f.sync();
  } finally {
    f.close();
  }
}

async function size(path: string): Promise<number> {
  return (await Deno.stat(path)).size;
}

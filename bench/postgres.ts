/**
 * A throwaway PostgreSQL for `deno task bench --db postgres`: initdb into a
 * temp dir as the `postgres` user (the bench runs as root; PostgreSQL
 * refuses to), started on a free loopback port with the distribution's
 * defaults (fsync, synchronous_commit and full_page_writes on: a commit
 * waits for its WAL flush, as in production), one fresh database per
 * measured server, stopped (fast shutdown) and removed at the end.
 * @module
 */
import { type Service, startService, stopService } from "./processes.ts";

const PG_ROOT = "/usr/lib/postgresql";
const PG_USER = "postgres";
const READY_TIMEOUT_MS = 30_000;

export interface Cluster {
  /** Temp dir owned by postgres: data/ and the Unix socket. */
  dir: string;
  bin: string;
  version: string;
  port: number;
  service: Service | null;
}

/** Runs a PostgreSQL tool as the postgres user; throws with its output. */
async function asPostgres(
  bin: string,
  tool: string,
  args: string[],
): Promise<string> {
  const out = await new Deno.Command("setpriv", {
    args: [
      `--reuid=${PG_USER}`,
      `--regid=${PG_USER}`,
      "--init-groups",
      `${bin}/${tool}`,
      ...args,
    ],
    stdout: "piped",
    stderr: "piped",
    env: { LC_ALL: "C" },
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  if (!out.success) throw new Error(`${tool} failed: ${text.slice(-600)}`);
  return text;
}

/** The newest installed major version's bin dir. */
async function findBin(): Promise<{ bin: string; version: string }> {
  const versions: string[] = [];
  try {
    for await (const e of Deno.readDir(PG_ROOT)) {
      if (e.isDirectory && /^\d+$/.test(e.name)) versions.push(e.name);
    }
  } catch {
    // Not installed.
  }
  versions.sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = `${PG_ROOT}/${v}/bin`;
    try {
      await Deno.stat(`${bin}/postgres`);
      return { bin, version: v };
    } catch {
      // Client tools only.
    }
  }
  throw new Error(
    `no PostgreSQL server under ${PG_ROOT}/*/bin (apt-get install postgresql)`,
  );
}

async function userIds(name: string): Promise<{ uid: number; gid: number }> {
  const passwd = await Deno.readTextFile("/etc/passwd");
  const line = passwd.split("\n").find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`no ${name} user on this machine`);
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

/** initdb into a new temp dir (trust auth: loopback only, throwaway). */
export async function initCluster(): Promise<Cluster> {
  if (Deno.uid() !== 0) {
    throw new Error("--db postgres needs root (it runs initdb as postgres)");
  }
  const { bin, version } = await findBin();
  const { uid, gid } = await userIds(PG_USER);
  const dir = await Deno.makeTempDir({ prefix: "oauth-bench-pg-" });
  await Deno.chown(dir, uid, gid);
  const cluster: Cluster = { dir, bin, version, port: 0, service: null };
  try {
    await asPostgres(bin, "initdb", [
      "-D",
      `${dir}/data`,
      "-U",
      PG_USER,
      "-A",
      "trust",
      "-E",
      "UTF8",
      "--no-locale",
    ]);
  } catch (err) {
    await removeCluster(cluster);
    throw err;
  }
  return cluster;
}

/**
 * Starts the cluster's postmaster on `port` pinned to `cpus` (null:
 * unpinned); resolves once it accepts connections.
 */
export async function startPostgres(
  cluster: Cluster,
  port: number,
  cpus: string | null,
  maxConnections: number,
  logFile: string,
): Promise<Service> {
  cluster.port = port;
  const service = await startService("postgres", "setpriv", [
    `--reuid=${PG_USER}`,
    `--regid=${PG_USER}`,
    "--init-groups",
    `${cluster.bin}/postgres`,
    "-D",
    `${cluster.dir}/data`,
    "-p",
    String(port),
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    `unix_socket_directories=${cluster.dir}`,
    "-c",
    `max_connections=${maxConnections}`,
  ], {
    cpus,
    logFile,
    env: { LC_ALL: "C" },
    // SIGINT is PostgreSQL's fast shutdown (SIGTERM waits for clients).
    stopSignal: "SIGINT",
  });
  cluster.service = service;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (service.exited) {
      throw new Error(
        `postgres exited early: ${
          (await Deno.readTextFile(logFile).catch(() => "")).slice(-600)
        }`,
      );
    }
    try {
      await asPostgres(cluster.bin, "pg_isready", [
        "-q",
        "-h",
        "127.0.0.1",
        "-p",
        String(port),
      ]);
      return service;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`postgres not ready after ${READY_TIMEOUT_MS} ms`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Creates database `name`; returns its DATABASE_URL. */
export async function createDatabase(
  cluster: Cluster,
  name: string,
): Promise<string> {
  await asPostgres(cluster.bin, "createdb", [
    "-h",
    "127.0.0.1",
    "-p",
    String(cluster.port),
    "-U",
    PG_USER,
    name,
  ]);
  return `postgres://${PG_USER}@127.0.0.1:${cluster.port}/${name}`;
}

/** The server's settings that decide commit cost, for the report. */
export async function durabilitySettings(cluster: Cluster): Promise<string> {
  const out = await asPostgres(cluster.bin, "psql", [
    "-h",
    "127.0.0.1",
    "-p",
    String(cluster.port),
    "-U",
    PG_USER,
    "-At",
    "-c",
    "SELECT string_agg(name || '=' || current_setting(name), ', ' " +
    "ORDER BY name) " +
    "FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', " +
    "'full_page_writes', 'wal_sync_method', 'shared_buffers', " +
    "'max_connections')",
  ]);
  return out.trim();
}

/** Fast shutdown of the running postmaster, if any. */
export async function stopPostgres(cluster: Cluster): Promise<void> {
  if (cluster.service) await stopService(cluster.service);
  cluster.service = null;
}

/** Stops the server and deletes the cluster's files. */
export async function removeCluster(cluster: Cluster): Promise<void> {
  await stopPostgres(cluster);
  await Deno.remove(cluster.dir, { recursive: true }).catch(() => {});
}

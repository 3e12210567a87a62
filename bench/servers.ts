/**
 * The two processes a bench run measures, each started on the server's
 * cores (pinned, or unpinned for the all-cores runs) on a free loopback port
 * and answering before it returns: the bare Deno ceiling (`deno serve`, with
 * `--parallel` for several threads), and the server itself (`deno run -A
 * main.ts` with WORKERS threads) on a fresh database (SQLite in the run's
 * temp dir, or the PostgreSQL URL given) and Deno KV in the temp dir.
 * @module
 */
import { serverStartArgs } from "../lib/v8_flags.ts";
import { type Service, startService } from "./processes.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const CEILING = new URL("./ceiling.ts", import.meta.url).pathname;
const READY_TIMEOUT_MS = 60_000;

export interface Started {
  service: Service;
  base: string;
  logFile: string;
}

export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function randomSecret(bytes: number): string {
  return btoa(
    String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))),
  ).replace(/[+/=]/g, "x");
}

export async function logTail(file: string): Promise<string> {
  try {
    return (await Deno.readTextFile(file)).split("\n").slice(-20).join("\n");
  } catch {
    return "(no log)";
  }
}

/** Polls `url` until it answers 200; fails fast when the process exits. */
export async function waitReady(
  url: string,
  service: Service,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (service.exited) {
      throw new Error(
        `${service.name} exited early:\n${await logTail(logFile)}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${service.name} not ready after ${READY_TIMEOUT_MS} ms`);
}

/**
 * Starts bench/ceiling.ts under `deno serve`: one thread, or `threads`
 * threads sharing the port (`--parallel`, DENO_JOBS), as the server's
 * WORKERS do.
 */
export async function startCeiling(
  tmp: string,
  cpus: string | null,
  threads: number,
): Promise<Started> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = `${tmp}/ceiling.log`;
  const service = await startService("ceiling", Deno.execPath(), [
    "serve",
    "-A",
    ...(threads > 1 ? ["--parallel"] : []),
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    CEILING,
  ], {
    cpus,
    cwd: ROOT,
    env: { DENO_JOBS: String(threads) },
    logFile,
  });
  await waitReady(`${base}/`, service, logFile);
  return { service, base, logFile };
}

export interface ServerOptions {
  /** WORKERS: server threads sharing the port. */
  workers: number;
  /** DATABASE_URL; null: a fresh SQLite file in the temp dir. */
  databaseURL: string | null;
  /** DATABASE_POOL_SIZE (PostgreSQL connections per server thread). */
  poolSize: number;
  /** Run under --cpu-prof, profiles written here. */
  profileDir: string | null;
}

/**
 * Starts the server with dev endpoints and a bootstrap admin token, request
 * logging off; under `--cpu-prof` when `profileDir` is set.
 */
export async function startServer(
  tmp: string,
  cpus: string | null,
  options: ServerOptions,
): Promise<Started & { adminToken: string }> {
  const { profileDir } = options;
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const adminToken = randomSecret(24);
  // Each server gets its own KV, SQLite and log files: runs share no state.
  const id = crypto.randomUUID().slice(0, 8);
  const logFile = `${tmp}/server-${id}.log`;
  const flags = profileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]
    : [];
  const service = await startService(
    "server",
    Deno.execPath(),
    serverStartArgs(flags),
    {
      cpus,
      cwd: ROOT,
      logFile,
      env: {
        HOST: "127.0.0.1",
        PORT: String(port),
        ISSUER: base,
        DATABASE_URL: options.databaseURL ?? `sqlite:///${tmp}/bench-${id}.db`,
        DATABASE_POOL_SIZE: String(options.poolSize),
        DENO_KV_PATH: `${tmp}/kv-${id}.sqlite`,
        APP_SECRET: randomSecret(48),
        APP_SECRET_FILE: `${tmp}/app_secret`,
        ENABLE_DEV_ENDPOINTS: "true",
        ADMIN_TOKEN: adminToken,
        LOG_REQUESTS: "false",
        WORKERS: String(options.workers),
        // The metadata document of the /authorize rows is served over https
        // on 127.0.0.2 by the bench itself (bench/setup.ts), with the tests'
        // CA: the development setting that lets the fetcher reach loopback.
        OUTBOUND_ALLOW_LOOPBACK: "true",
        OUTBOUND_CA_FILE: `${ROOT}tests/fixtures/tls/ca.pem`,
      },
    },
  );
  await waitReady(`${base}/healthz`, service, logFile);
  return { service, base, logFile, adminToken };
}

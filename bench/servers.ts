/**
 * The two processes a bench run measures, each started pinned to the
 * server core on a free loopback port and answering before it returns: the
 * bare `Deno.serve` ceiling, and the server itself (`deno run -A main.ts`)
 * on a fresh SQLite database and Deno KV in the run's temp dir.
 * @module
 */
import { type Service, startService } from "./processes.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const CEILING = new URL("./ceiling.ts", import.meta.url).pathname;
const READY_TIMEOUT_MS = 60_000;

export interface Started {
  service: Service;
  base: string;
  logFile: string;
}

function freePort(): number {
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
async function waitReady(
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

/** Starts bench/ceiling.ts. */
export async function startCeiling(
  tmp: string,
  core: number | null,
): Promise<Started> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = `${tmp}/ceiling.log`;
  const service = await startService("ceiling", Deno.execPath(), [
    "run",
    "-A",
    CEILING,
  ], { core, cwd: ROOT, env: { PORT: String(port) }, logFile });
  await waitReady(`${base}/`, service, logFile);
  return { service, base, logFile };
}

/**
 * Starts the server with dev endpoints and a bootstrap admin token, request
 * logging off; under `--cpu-prof` when `profileDir` is set.
 */
export async function startServer(
  tmp: string,
  core: number | null,
  profileDir: string | null,
): Promise<Started & { adminToken: string }> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const adminToken = randomSecret(24);
  const logFile = `${tmp}/server.log`;
  const flags = profileDir
    ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]
    : [];
  const service = await startService("server", Deno.execPath(), [
    "run",
    "-A",
    ...flags,
    "main.ts",
  ], {
    core,
    cwd: ROOT,
    logFile,
    env: {
      HOST: "127.0.0.1",
      PORT: String(port),
      ISSUER: base,
      DATABASE_URL: `sqlite:///${tmp}/bench.db`,
      DENO_KV_PATH: `${tmp}/kv.sqlite`,
      APP_SECRET: randomSecret(48),
      APP_SECRET_FILE: `${tmp}/app_secret`,
      ENABLE_DEV_ENDPOINTS: "true",
      ADMIN_TOKEN: adminToken,
      LOG_REQUESTS: "false",
      // One server thread: the table compares one core with one core.
      WORKERS: "1",
    },
  });
  await waitReady(`${base}/healthz`, service, logFile);
  return { service, base, logFile, adminToken };
}

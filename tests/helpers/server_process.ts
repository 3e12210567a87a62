/**
 * For tests that run the server the way users do: `deno task start`, i.e.
 * `deno run -A main.ts` in the repository, a real process on a real port,
 * with WORKERS left unset (one server thread per core; at least two, since
 * what these tests look for only happens between threads), a fresh SQLite
 * file or a fresh PostgreSQL database (TEST_DATABASE_URL), and ADMIN_TOKEN
 * for the admin API before setup.
 * @module
 */
import { CookieJar, freshDatabaseURL, TEST_APP_SECRET } from "./test_app.ts";
import { serverStartArgs } from "../../lib/v8_flags.ts";

const ROOT = new URL("../../", import.meta.url);
/** What `deno` itself needs from the environment; nothing else leaks in. */
const PASSED_THROUGH = ["PATH", "HOME", "DENO_DIR", "TMPDIR", "LANG"];

/** A port free on 127.0.0.1 right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Resolves once GET /healthz answers 200; throws after ~15 s. */
export async function waitUntilHealthy(base: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`${base}/healthz`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${base} did not become healthy`);
}

/**
 * POSTs a form to a running server as a browser on its origin does:
 * urlencoded, with the jar's cookies and the Origin header; redirects are
 * not followed. Captures the response's cookies into `jar`.
 */
export async function postFormOverHTTP(
  base: string,
  path: string,
  fields: Record<string, string>,
  jar: CookieJar,
): Promise<Response> {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: {
      Accept: "text/html",
      Cookie: jar.header(),
      Origin: base,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  jar.capture(res);
  return res;
}

/**
 * Completes /setup on a running server as a person does in a browser: the
 * form with its CSRF cookie and token, then the proof (the setup code the
 * server logged, or the bootstrap ADMIN_TOKEN). Returns the admin token the
 * page shows; throws unless setup completed.
 */
export async function completeSetupOverHTTP(
  base: string,
  proof: string,
): Promise<string> {
  const jar = new CookieJar();
  const page = await fetch(`${base}/setup`, {
    headers: { Accept: "text/html" },
  });
  jar.capture(page);
  const csrf = (await page.text()).match(/name="csrf_token" value="([^"]+)"/)
    ?.[1];
  if (!csrf) throw new Error(`GET /setup: ${page.status}, no setup form`);
  const res = await postFormOverHTTP(base, "/setup", {
    csrf_token: csrf,
    setup_code: proof,
  }, jar);
  const token = (await res.text()).match(/id="admin-token">([^<]+)</)?.[1];
  if (res.status !== 200 || !token) {
    throw new Error(`POST /setup: ${res.status}, no admin token`);
  }
  return token;
}

export interface ServerOptions {
  /** Added to (or overriding) the environment below; `null` unsets. */
  env?: Record<string, string | null>;
  /** An existing database (another server's); default: a fresh one. */
  databaseURL?: string;
  /** Default: a free port. */
  port?: number;
  /** Default: wait for the "listening" line; false: return at once. */
  waitUntilListening?: boolean;
}

/** A running `deno task start`. Always `await server.close()`. */
export interface ServerProcess {
  base: string;
  port: number;
  /** The bootstrap ADMIN_TOKEN (valid until setup completes). */
  adminToken: string;
  databaseURL: string;
  /** Where DENO_KV_PATH and a generated APP_SECRET_FILE live. */
  dir: string;
  /** Server threads, from the "listening" line (0 before it). */
  workers: number;
  child: Deno.ChildProcess;
  /** Every line written so far (stdout and stderr). */
  lines: string[];
  /** Resolves with the exit status once the process ends. */
  exited: Promise<Deno.CommandStatus>;
  /** Waits for a line matching `pattern`; throws after `ms` or on exit. */
  waitForLine(pattern: RegExp, ms?: number): Promise<string>;
  /** SIGTERM, then the exit status. */
  stop(): Promise<Deno.CommandStatus>;
  /** Stops it if running; drops the database it made and its files. */
  close(): Promise<void>;
}

async function collect(
  stream: ReadableStream<Uint8Array>,
  lines: string[],
  changed: () => void,
): Promise<void> {
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    const parts = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = parts.pop()!;
    lines.push(...parts);
    changed();
  }
  if (rest) lines.push(rest);
  changed();
}

/** Starts `deno run -A main.ts` as users do (see the module doc). */
export async function startServer(
  options: ServerOptions = {},
): Promise<ServerProcess> {
  const fresh = options.databaseURL ? null : await freshDatabaseURL();
  const databaseURL = options.databaseURL ?? fresh!.url;
  const dir = await Deno.makeTempDir({ prefix: "oauth-server-" });
  const port = options.port ?? freePort();
  const adminToken = `bootstrap-${crypto.randomUUID()}`;
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    PORT: String(port),
    DATABASE_URL: databaseURL,
    ADMIN_TOKEN: adminToken,
    DENO_KV_PATH: `${dir}/kv.sqlite`,
    // SQLite users may leave APP_SECRET unset (it is generated into this
    // file); PostgreSQL requires it.
    APP_SECRET_FILE: `${dir}/.app_secret`,
    LOG_REQUESTS: "false",
  });
  if (databaseURL.startsWith("postgres")) env.APP_SECRET = TEST_APP_SECRET;
  // The default (one thread per core), but never one thread.
  if ((navigator.hardwareConcurrency ?? 1) < 2) env.WORKERS = "2";
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === null) delete env[name];
    else env[name] = value;
  }
  const child = new Deno.Command(Deno.execPath(), {
    args: serverStartArgs(),
    cwd: ROOT,
    clearEnv: true,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let waiters: (() => void)[] = [];
  const changed = () => {
    const pending = waiters;
    waiters = [];
    for (const wake of pending) wake();
  };
  const output = Promise.all([
    collect(child.stdout, lines, changed),
    collect(child.stderr, lines, changed),
  ]);
  let status: Deno.CommandStatus | null = null;
  const exited = child.status.then(async (s) => {
    await output;
    status = s;
    changed();
    return s;
  });

  async function waitForLine(pattern: RegExp, ms = 30_000): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const line = lines.find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (status !== null) {
        throw new Error(
          `server exited (${status.code}) before ${pattern}:\n${
            lines.join("\n")
          }`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`no ${pattern} within ${ms} ms:\n${lines.join("\n")}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  const server: ServerProcess = {
    base: `http://127.0.0.1:${port}`,
    port,
    adminToken,
    databaseURL,
    dir,
    workers: 0,
    child,
    lines,
    exited,
    waitForLine,
    async stop() {
      if (status === null) {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
      }
      return await exited;
    },
    async close() {
      if (status === null) {
        try {
          child.kill("SIGTERM");
        } catch { /* already gone */ }
        const timer = setTimeout(() => {
          try {
            child.kill("SIGKILL");
          } catch { /* gone */ }
        }, 10_000);
        await exited;
        clearTimeout(timer);
      }
      await fresh?.drop();
      await Deno.remove(dir, { recursive: true });
    },
  };
  if (options.waitUntilListening === false) return server;
  try {
    // Logged once every thread listens (a healthy /healthz only says one does).
    const line = await waitForLine(/"msg":"listening"/);
    server.workers = JSON.parse(line).workers;
  } catch (err) {
    await server.close();
    throw err;
  }
  return server;
}

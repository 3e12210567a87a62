/**
 * Shared by the stress tests (tests/stress/*.stress.ts, run by
 * `deno task test:stress`, not by `deno task test`): the real server as a
 * subprocess (`deno run -A main.ts`), a private PostgreSQL cluster the tests
 * may stop and start, and an HTTP client that speaks to the server as relying
 * parties and a browser do (client credentials, the code flow with PKCE,
 * refresh rotation, introspection, the admin API).
 * @module
 */
import { createHash } from "node:crypto";
import { serverStartArgs } from "../../lib/v8_flags.ts";

/** The repository root (main.ts lives there). */
export const ROOT = new URL("../../", import.meta.url).pathname;

export const STRESS_APP_SECRET =
  "stress-secret-0123456789-abcdefghijklmnopqrstuvwxyz";
export const BOOTSTRAP_ADMIN_TOKEN = "stress-bootstrap-admin-token-0123456789";
export const REDIRECT_URI = "http://localhost:3000/callback";
export const USER_SCOPE = "openid profile email offline_access";

const REQUEST_TIMEOUT_MS = 15_000;
const FORM = "application/x-www-form-urlencoded";

/** SHA-256 base64url: how the server stores tokens (lib/security/crypto.ts). */
export function tokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** A TCP port nobody listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Milliseconds since an arbitrary origin, for durations. */
export function clock(): number {
  return performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------------------
// The server as a subprocess

export interface ServerOptions {
  /** DATABASE_URL, e.g. `sqlite:////tmp/x/oauth.db` or a postgres URL. */
  databaseURL: string;
  /** Directory for the KV file, the secret file and the server's logs. */
  dir: string;
  /** Port to bind; a free one when omitted (keep it across restarts). */
  port?: number;
  env?: Record<string, string>;
}

export interface ServerProcess {
  base: string;
  port: number;
  pid: number;
  /** Resolves with the exit status once the process is gone. */
  exited: Promise<Deno.CommandStatus>;
  /** SIGKILL (kill -9): no shutdown handler runs. */
  kill9(): Promise<void>;
  /** SIGTERM and wait (the server's own graceful shutdown). */
  stop(): Promise<void>;
  /** The server's stderr so far (warnings and errors are logged there). */
  stderr(): Promise<string>;
}

let serverCount = 0;

/**
 * Starts `deno run -A main.ts` and waits until /healthz answers 200.
 * stdout and stderr go to files in `options.dir`.
 */
export async function startServer(
  options: ServerOptions,
): Promise<ServerProcess> {
  const port = options.port ?? freePort();
  const n = ++serverCount;
  const outPath = `${options.dir}/server-${n}.out`;
  const errPath = `${options.dir}/server-${n}.err`;
  const child = new Deno.Command(Deno.execPath(), {
    args: serverStartArgs(),
    cwd: ROOT,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
      HOME: Deno.env.get("HOME") ?? options.dir,
      ...(Deno.env.get("DENO_DIR")
        ? { DENO_DIR: Deno.env.get("DENO_DIR")! }
        : {}),
      DENO_NO_UPDATE_CHECK: "1",
      NO_COLOR: "1",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: options.databaseURL,
      APP_SECRET: STRESS_APP_SECRET,
      APP_SECRET_FILE: `${options.dir}/.app_secret`,
      ENABLE_DEV_ENDPOINTS: "true",
      ADMIN_TOKEN: BOOTSTRAP_ADMIN_TOKEN,
      DENO_KV_PATH: `${options.dir}/kv.sqlite`,
      LOG_REQUESTS: "false",
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const outFile = await Deno.open(outPath, { write: true, create: true });
  const errFile = await Deno.open(errPath, { write: true, create: true });
  const piped = Promise.all([
    child.stdout.pipeTo(outFile.writable).catch(() => {}),
    child.stderr.pipeTo(errFile.writable).catch(() => {}),
  ]);
  const exited = child.status.then(async (status) => {
    await piped;
    return status;
  });
  const base = `http://127.0.0.1:${port}`;
  const server: ServerProcess = {
    base,
    port,
    pid: child.pid,
    exited,
    async kill9() {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await exited;
    },
    async stop() {
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
    },
    async stderr() {
      try {
        return await Deno.readTextFile(errPath);
      } catch {
        return "";
      }
    },
  };
  const deadline = Date.now() + 60_000;
  let gone = false;
  exited.then(() => gone = true);
  for (;;) {
    if (gone) {
      throw new Error(
        `server exited during start:\n${await server.stderr()}`,
      );
    }
    try {
      const res = await fetch(`${base}/healthz`, {
        signal: AbortSignal.timeout(2000),
      });
      await res.body?.cancel();
      if (res.status === 200) return server;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await server.kill9();
      throw new Error(`server did not start:\n${await server.stderr()}`);
    }
    await sleep(100);
  }
}

/** Resident set size of a process in KiB (/proc/<pid>/status VmRSS). */
export async function readRSS(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const m = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}

// ---------------------------------------------------------------------------
// A private PostgreSQL cluster

/** The newest PostgreSQL bin directory under /usr/lib/postgresql, or null. */
export function findPostgresBin(): string | null {
  let dirs: string[] = [];
  try {
    dirs = [...Deno.readDirSync("/usr/lib/postgresql")].map((e) => e.name);
  } catch {
    return null;
  }
  const found = dirs
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => `/usr/lib/postgresql/${v}/bin`)
    .find((bin) => {
      try {
        return Deno.statSync(`${bin}/initdb`).isFile &&
          Deno.statSync(`${bin}/pg_ctl`).isFile;
      } catch {
        return false;
      }
    });
  return found ?? null;
}

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  start(): Promise<void>;
  /** `pg_ctl stop -m <mode>` (immediate: no shutdown checkpoint). */
  stop(mode?: "fast" | "immediate"): Promise<void>;
  /**
   * SIGSTOP to the postmaster and every backend: the server is still there
   * (connections are accepted by the kernel) but never answers, like a
   * frozen host. `thaw()` sends SIGCONT.
   */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Stops (if running) and deletes the cluster. */
  destroy(): Promise<void>;
}

/** The postmaster and its children, from postmaster.pid and /proc. */
async function clusterPids(dataDir: string): Promise<number[]> {
  const text = await Deno.readTextFile(`${dataDir}/postmaster.pid`);
  const postmaster = Number(text.split("\n")[0]);
  const pids = [postmaster];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      // pid (comm) state ppid ...; comm may hold spaces, so split after ")".
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === postmaster) pids.push(Number(entry.name));
    } catch { /* exited meanwhile */ }
  }
  return pids;
}

const IS_ROOT = Deno.uid() === 0;

async function run(
  cmd: string,
  args: string[],
  options: { asPostgres?: boolean } = {},
): Promise<string> {
  // initdb and postgres refuse to run as root: run them as `postgres`.
  const [command, argv] = options.asPostgres && IS_ROOT
    ? ["su", ["postgres", "-s", "/bin/sh", "-c", shellJoin([cmd, ...args])]]
    : [cmd, args];
  const out = await new Deno.Command(command, {
    args: argv,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) +
    new TextDecoder().decode(out.stderr);
  if (!out.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${out.code}): ${text}`);
  }
  return text;
}

function shellJoin(args: string[]): string {
  return args.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(" ");
}

/**
 * initdb + pg_ctl start on a free port, data in a fresh temp directory,
 * trust auth for `postgres` on 127.0.0.1 only. Separate from CI's cluster so
 * stopping it breaks nothing else.
 */
export async function startPostgres(bin: string): Promise<PostgresCluster> {
  const dataDir = await Deno.makeTempDir({ prefix: "stress-pg-" });
  if (IS_ROOT) await run("chown", ["postgres:postgres", dataDir]);
  await run(`${bin}/initdb`, [
    "-D",
    dataDir,
    "-A",
    "trust",
    "-U",
    "postgres",
  ], { asPostgres: true });
  const port = freePort();
  const logFile = `${dataDir}/server.log`;
  const opts = [
    `-p ${port}`,
    `-k ${dataDir}`,
    "-c listen_addresses=127.0.0.1",
    "-c fsync=off",
    "-c max_connections=200",
  ].join(" ");
  let running = false;
  let frozen: number[] = [];
  const cluster: PostgresCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await run(`${bin}/pg_ctl`, [
        "-D",
        dataDir,
        "-l",
        logFile,
        "-w",
        "-o",
        opts,
        "start",
      ], { asPostgres: true });
      running = true;
    },
    async stop(mode = "fast") {
      await run(`${bin}/pg_ctl`, ["-D", dataDir, "-m", mode, "-w", "stop"], {
        asPostgres: true,
      });
      running = false;
    },
    async freeze() {
      frozen = await clusterPids(dataDir);
      for (const pid of frozen) Deno.kill(pid, "SIGSTOP");
    },
    thaw() {
      for (const pid of frozen) {
        try {
          Deno.kill(pid, "SIGCONT");
        } catch { /* gone */ }
      }
      frozen = [];
      return Promise.resolve();
    },
    async destroy() {
      if (frozen.length) await cluster.thaw();
      if (running) {
        await cluster.stop("immediate").catch(() => {});
      }
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
  try {
    await cluster.start();
  } catch (err) {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    throw err;
  }
  return cluster;
}

// ---------------------------------------------------------------------------
// Speaking HTTP to the server

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or null when it is not JSON. */
  json: Record<string, unknown> | null;
  ms: number;
}

/** fetch with a timeout; reads the whole body; never follows redirects. */
export async function call(
  url: string,
  init: RequestInit = {},
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Answer> {
  const started = clock();
  const res = await fetch(url, {
    ...init,
    redirect: "manual",
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text);
  } catch { /* not JSON */ }
  return {
    status: res.status,
    headers: res.headers,
    text,
    json,
    ms: clock() - started,
  };
}

/** Basic auth header for client credentials (RFC 6749 §2.3.1 encoding). */
export function basic(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${btoa(`${enc(id)}:${enc(secret)}`)}`;
}

/** A registered confidential client. */
export interface StressClient {
  id: string;
  secret: string;
}

/** POST a form to a token-style endpoint, authenticated as `client`. */
export function postForm(
  base: string,
  path: string,
  client: StressClient,
  fields: Record<string, string>,
  timeoutMs?: number,
): Promise<Answer> {
  return call(`${base}${path}`, {
    method: "POST",
    headers: {
      "Content-Type": FORM,
      Authorization: basic(client.id, client.secret),
    },
    body: new URLSearchParams(fields),
  }, timeoutMs);
}

/** An admin API call with X-Admin-Token. */
export function admin(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs?: number,
): Promise<Answer> {
  return call(`${base}${path}`, {
    method,
    headers: {
      "X-Admin-Token": token,
      Accept: "application/json",
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  }, timeoutMs);
}

/** Cookies of one browser profile for one host. */
export class Jar {
  #cookies = new Map<string, string>();

  take(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      if (eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) || !value) {
        this.#cookies.delete(name);
      } else this.#cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [tag] of html.matchAll(/<input\b[^>]*>/gi)) {
    if (!/type="hidden"/.test(tag)) continue;
    const name = tag.match(/name="([^"]*)"/)?.[1];
    const value = tag.match(/value="([^"]*)"/)?.[1] ?? "";
    if (name) {
      fields[name] = value.replace(/&quot;/g, '"').replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    }
  }
  return fields;
}

/** RFC 7636: a random verifier and its S256 challenge. */
export function makePKCE(): { verifier: string; challenge: string } {
  const verifier = createHash("sha256").update(crypto.randomUUID()).digest(
    "base64url",
  );
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  return { verifier, challenge };
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  [key: string]: unknown;
}

/**
 * A browser signed in as one user: each `authorize()` walks GET /authorize
 * (signing in the first time; consent is `skip` for the stress clients) and
 * returns the code from the redirect.
 */
export class Browser {
  readonly jar = new Jar();

  constructor(
    readonly base: string,
    readonly client: StressClient,
    readonly username = "alice",
    readonly password = "alice",
  ) {}

  async authorize(): Promise<{ code: string; verifier: string }> {
    const pkce = makePKCE();
    const query = new URLSearchParams({
      client_id: this.client.id,
      response_type: "code",
      redirect_uri: REDIRECT_URI,
      scope: USER_SCOPE,
      code_challenge: pkce.challenge,
      code_challenge_method: "S256",
      state: crypto.randomUUID(),
      nonce: crypto.randomUUID(),
    });
    let res = await call(`${this.base}/authorize?${query}`, {
      headers: { Accept: "text/html", Cookie: this.jar.header() },
    });
    this.jar.take(res.headers);
    for (let step = 0; step < 3 && res.status === 200; step++) {
      const fields = hiddenFields(res.text);
      const extra: Record<string, string> = fields._action === "login"
        ? { username: this.username, password: this.password }
        : fields._action === "consent"
        ? { decision: "allow" }
        : {};
      if (!fields._action) break;
      res = await call(`${this.base}/authorize`, {
        method: "POST",
        headers: {
          Accept: "text/html",
          "Content-Type": FORM,
          Origin: this.base,
          Cookie: this.jar.header(),
        },
        body: new URLSearchParams({ ...fields, ...extra }),
      });
      this.jar.take(res.headers);
    }
    const location = res.headers.get("Location");
    const code = location ? new URL(location).searchParams.get("code") : null;
    if (!code) {
      throw new Error(
        `authorize: ${res.status} ${location ?? res.text.slice(0, 200)}`,
      );
    }
    return { code, verifier: pkce.verifier };
  }

  /** The whole code flow: authorize, then exchange the code at /token. */
  async codeFlow(): Promise<Answer> {
    const { code, verifier } = await this.authorize();
    return await postForm(this.base, "/token", this.client, {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT_URI,
    });
  }
}

export interface Prepared {
  /** The admin token from the setup wizard (the bootstrap one is then void). */
  adminToken: string;
  /** client_credentials only. */
  service: StressClient;
  /** authorization_code + refresh_token, consent skipped. */
  web: StressClient;
}

async function createStressClient(
  base: string,
  metadata: Record<string, unknown>,
): Promise<StressClient> {
  const res = await admin(
    base,
    BOOTSTRAP_ADMIN_TOKEN,
    "POST",
    "/dev/create_client",
    { token_endpoint_auth_method: "client_secret_basic", ...metadata },
  );
  if (res.status !== 201 || !res.json) {
    throw new Error(`create_client: ${res.status} ${res.text}`);
  }
  return {
    id: String(res.json.client_id),
    secret: String(res.json.client_secret),
  };
}

/**
 * Prepares a fresh server over HTTP as an operator would: demo users
 * (/dev/seed), a service client and a web client (/dev/create_client), then
 * the setup wizard, whose admin token is returned.
 */
export async function prepareServer(base: string): Promise<Prepared> {
  const seeded = await admin(base, BOOTSTRAP_ADMIN_TOKEN, "GET", "/dev/seed");
  if (seeded.status !== 200) {
    throw new Error(`seed: ${seeded.status} ${seeded.text}`);
  }
  const service = await createStressClient(base, {
    client_name: "stress service",
    grant_types: ["client_credentials"],
    scope: "profile email",
    consent_policy: "skip",
  });
  const web = await createStressClient(base, {
    client_name: "stress web app",
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    scope: USER_SCOPE,
    consent_policy: "skip",
  });
  const jar = new Jar();
  const page = await call(`${base}/setup`, {
    headers: { Accept: "text/html" },
  });
  jar.take(page.headers);
  const done = await call(`${base}/setup`, {
    method: "POST",
    headers: {
      Accept: "text/html",
      "Content-Type": FORM,
      Origin: base,
      Cookie: jar.header(),
    },
    body: new URLSearchParams({
      ...hiddenFields(page.text),
      setup_code: BOOTSTRAP_ADMIN_TOKEN,
    }),
  });
  const adminToken = done.text.match(/id="admin-token">([^<]+)</)?.[1];
  if (done.status !== 200 || !adminToken) {
    throw new Error(`setup: ${done.status}`);
  }
  return { adminToken, service, web };
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from(
    { length: Math.min(limit, items.length) },
    async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    },
  );
  await Promise.all(workers);
  return out;
}

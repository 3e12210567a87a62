/**
 * Test fixture: the real app over a fresh database (a new SQLite file, or a
 * new PostgreSQL database when TEST_DATABASE_URL is set), an in-memory Deno
 * KV, a memory logger and an injectable clock. `fetch` goes in-process
 * through `app.fetch`; `listen: true` also serves it on a free loopback port
 * for real clients and browsers.
 * @module
 */
import type { Hono } from "hono";
import pg from "pg";
import { issueSetupCode } from "../../lib/admin/setup.ts";
import { createApp } from "../../lib/app.tsx";
import { loadConfig } from "../../lib/config.ts";
import type { Generation } from "../../lib/db/invalidation.ts";
import { type Deps, openDeps } from "../../lib/deps.ts";
import type { AppEnv } from "../../lib/http/define.ts";
import { createMemoryLogger } from "../../lib/log.ts";
import { manifest } from "../../routes.gen.ts";

/** The page shell and error page, for tests that build a manifest of their own. */
export const PAGE_SHELL = {
  "./routes/_app.tsx": manifest.routes["./routes/_app.tsx"],
  "./routes/_error.tsx": manifest.routes["./routes/_error.tsx"],
};

export const TEST_APP_SECRET =
  "test-secret-0123456789-abcdefghijklmnopqrstuvwxyz";

export interface TestApp {
  deps: Deps;
  app: Hono<AppEnv>;
  /** Every log line the app wrote (JSON). */
  logs: string[];
  /** Base URL: the issuer (a real port when listening). */
  base: string;
  /** The DATABASE_URL of this app's fresh database (for subprocesses). */
  databaseURL: string;
  /** Moves the injected clock forward. */
  advance(seconds: number): void;
  /** In-process request; `path` is relative to `base`. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Serve on a free 127.0.0.1 port (real-client and browser tests). */
  listen?: boolean;
  /** Start time, epoch seconds. */
  startAt?: number;
  /**
   * A cache counter to share with other apps or handles, as the server
   * threads of one process share theirs (lib/db/invalidation.ts).
   */
  generation?: Generation;
}

/** Which engine this run tests: PostgreSQL when TEST_DATABASE_URL is set. */
export function testEngine(): "sqlite" | "postgres" {
  return Deno.env.get("TEST_DATABASE_URL") ? "postgres" : "sqlite";
}

/** A fresh, empty database URL and a function that drops it. */
export async function freshDatabaseURL(): Promise<
  { url: string; drop(): Promise<void> }
> {
  const pgURL = Deno.env.get("TEST_DATABASE_URL");
  if (!pgURL) {
    const dir = await Deno.makeTempDir({ prefix: "oauth-test-" });
    return {
      url: `sqlite:///${dir}/oauth.db`,
      drop: () => Deno.remove(dir, { recursive: true }),
    };
  }
  const name = `t_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const admin = new pg.Client({ connectionString: pgURL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgURL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: pgURL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Starts the app on a fresh database. Always `await t.close()`. */
export async function startTestApp(
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database = await freshDatabaseURL();
  const dir = await Deno.makeTempDir({ prefix: "oauth-test-secret-" });
  let clock = options.startAt ?? Math.floor(Date.now() / 1000);
  const logger = createMemoryLogger();
  const config = loadConfig({
    DATABASE_URL: database.url,
    APP_SECRET: TEST_APP_SECRET,
    APP_SECRET_FILE: `${dir}/.app_secret`,
    LOG_REQUESTS: "true",
    ...options.env,
  });
  const kv = await Deno.openKv(":memory:");
  const deps = await openDeps(config, {
    log: logger,
    now: () => clock,
    kv,
    generation: options.generation,
  });
  const app = await createApp(deps, manifest);
  let server: Deno.HttpServer | null = null;
  if (options.listen) {
    server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      app.fetch,
    );
    const port = (server.addr as Deno.NetAddr).port;
    if (!options.env?.ISSUER) config.issuer = `http://127.0.0.1:${port}`;
  }
  const base = config.issuer;
  return {
    deps,
    app,
    logs: logger.lines,
    base,
    databaseURL: database.url,
    advance(seconds) {
      clock += seconds;
    },
    fetch(path, init) {
      const url = path.startsWith("http") ? path : `${base}${path}`;
      return Promise.resolve(app.fetch(new Request(url, init)));
    },
    async close() {
      await server?.shutdown();
      await deps.close();
      kv.close();
      await database.drop();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Minimal cookie jar for in-process flows. */
export class CookieJar {
  #cookies = new Map<string, string>();

  /** Stores Set-Cookie values of a response. */
  capture(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /max-age=0\b/i.test(a.trim())) ||
        value === "";
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.#cookies.get(name);
  }

  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/**
 * The proof /setup asks for: the bootstrap ADMIN_TOKEN when the app has
 * one, else a fresh setup code (what the server prints at start; an
 * in-process app never started, so it is issued here).
 */
export async function setupProofFor(t: TestApp): Promise<string> {
  return t.deps.config.bootstrapAdminToken ??
    await issueSetupCode(t.deps.db, t.deps.now());
}

/** Completes first-time setup in-process and returns the admin token. */
export async function completeSetupFor(t: TestApp): Promise<string> {
  const jar = new CookieJar();
  const page = await t.fetch("/setup", { headers: { Accept: "text/html" } });
  jar.capture(page);
  await page.body?.cancel();
  const res = await t.fetch("/setup", {
    method: "POST",
    headers: {
      Cookie: jar.header(),
      Origin: t.base,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      csrf_token: jar.get("csrf")!,
      setup_code: await setupProofFor(t),
    }),
  });
  const html = await res.text();
  const token = html.match(/id="admin-token">([^<]+)</)?.[1];
  if (res.status !== 200 || !token) {
    throw new Error(`setup failed: ${res.status}`);
  }
  return token;
}

/**
 * GETs a page that holds a form, as a browser, keeping its cookies in `jar`;
 * returns the CSRF token the form carries.
 */
export async function openForm(
  t: TestApp,
  path: string,
  jar: CookieJar,
): Promise<string> {
  const res = await t.fetch(path, {
    headers: { Accept: "text/html", Cookie: jar.header() },
  });
  jar.capture(res);
  const html = await res.text();
  const token = html.match(/name="csrf_token" value="([^"]+)"/)?.[1];
  if (res.status !== 200 || !token) {
    throw new Error(`GET ${path}: ${res.status}, no form with a CSRF token`);
  }
  return token;
}

export interface PostFormOptions {
  /** Extra or overriding request headers (e.g. a foreign Origin). */
  headers?: Record<string, string>;
}

/**
 * POSTs a form the way a browser on our origin does: urlencoded, with the
 * jar's cookies and our Origin. Captures the response's cookies.
 */
export async function postForm(
  t: TestApp,
  path: string,
  fields: Record<string, string>,
  jar: CookieJar,
  options: PostFormOptions = {},
): Promise<Response> {
  const res = await t.fetch(path, {
    method: "POST",
    headers: {
      Accept: "text/html",
      Cookie: jar.header(),
      Origin: new URL(t.base).origin,
      "Content-Type": "application/x-www-form-urlencoded",
      ...options.headers,
    },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  jar.capture(res);
  return res;
}

/** Signs in at /admin/login with `token`; the jar then holds `admin_sid`. */
export async function signInAdmin(
  t: TestApp,
  token: string,
  jar: CookieJar = new CookieJar(),
): Promise<CookieJar> {
  const csrf = await openForm(t, "/admin/login", jar);
  const res = await postForm(
    t,
    "/admin/login",
    { csrf_token: csrf, token },
    jar,
  );
  await res.body?.cancel();
  if (res.status !== 303 || !jar.get("admin_sid")) {
    throw new Error(`admin sign-in failed: ${res.status}`);
  }
  return jar;
}

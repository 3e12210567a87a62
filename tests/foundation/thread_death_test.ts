/**
 * A server thread that dies after start is logged and replaced, and the
 * server keeps answering on every thread; when threads keep dying the
 * process gives up (a non-zero exit, through `onFatal`) so a supervisor
 * restarts it. Real worker threads on a real port, with a crafted crash
 * (tests/helpers/crashing_worker.ts).
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";
import { createMemoryLogger } from "../../lib/log.ts";
import { prepareStorage } from "../../lib/server.ts";
import { serveWithWorkers } from "../../lib/worker_pool.ts";
import { freePort } from "../helpers/server_process.ts";
import { freshDatabaseURL, TEST_APP_SECRET } from "../helpers/test_app.ts";

const CRASHING_WORKER = new URL(
  "../helpers/crashing_worker.ts",
  import.meta.url,
);

async function withStorage(
  fn: (env: Record<string, string>) => Promise<void>,
): Promise<void> {
  const database = await freshDatabaseURL();
  const dir = await Deno.makeTempDir();
  const env = {
    PORT: String(freePort()),
    DATABASE_URL: database.url,
    APP_SECRET: TEST_APP_SECRET,
    DENO_KV_PATH: `${dir}/kv.sqlite`,
    LOG_REQUESTS: "false",
  };
  try {
    await prepareStorage(loadConfig(env), createMemoryLogger());
    await fn(env);
  } finally {
    await database.drop();
    await Deno.remove(dir, { recursive: true });
  }
}

/** The threads answering `n` requests, each on a connection of its own. */
async function answering(base: string, n: number): Promise<Set<string>> {
  const names = new Set<string>();
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${base}/__thread`, {
      headers: { Connection: "close" },
    });
    assert.equal(res.status, 200, `request ${i}`);
    names.add(await res.text());
  }
  return names;
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test({
  name:
    "thread death: a server thread that dies after start is logged and replaced; every request after it is answered, by live threads only",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withStorage(async (env) => {
      const log = createMemoryLogger();
      const fatal: string[] = [];
      const pool = await serveWithWorkers(2, log, {
        env,
        workerURL: CRASHING_WORKER,
        onFatal: (reason) => fatal.push(reason),
      });
      const base = `http://127.0.0.1:${env.PORT}`;
      try {
        assert.deepEqual(
          [...await answering(base, 40)].sort(),
          ["server-0", "server-1"],
        );
        const crashed = await fetch(`${base}/__crash`, {
          method: "POST",
          headers: { Connection: "close" },
        });
        assert.equal(crashed.status, 202);
        const dead = await crashed.text();
        await until(
          () => log.lines.some((l) => /"server thread replaced"/.test(l)),
          15_000,
        );
        const died = log.lines.map((l) => JSON.parse(l)).find((l) =>
          l.msg === "server thread died; starting a replacement"
        );
        assert.equal(died?.level, "error");
        assert.equal(died?.thread, dead);
        assert.match(died?.err ?? "", /crafted crash/);
        const live = pool.threads().sort();
        assert.equal(live.length, 2);
        assert.ok(!live.includes(dead));
        assert.ok(live.includes("server-2"));
        assert.deepEqual([...await answering(base, 40)].sort(), live);
        assert.deepEqual(fatal, []);
      } finally {
        await pool.close();
      }
    });
  },
});

Deno.test({
  name:
    "thread death: threads that keep dying stop the process (onFatal: exit 1) instead of serving on with fewer threads",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withStorage(async (env) => {
      const log = createMemoryLogger();
      const fatal: string[] = [];
      const pool = await serveWithWorkers(1, log, {
        env: { ...env, CRASH_AFTER_LISTEN: "1" },
        workerURL: CRASHING_WORKER,
        onFatal: (reason) => fatal.push(reason),
      }).catch((err: Error) => {
        // Dying before the start message was answered counts as well.
        fatal.push(err.message);
        return null;
      });
      try {
        await until(() => fatal.length > 0, 60_000);
        assert.match(
          fatal[0],
          /keep dying|crafted crash|could not be replaced/,
        );
        if (pool) {
          assert.ok(
            log.lines.some((l) => /"level":"error"/.test(l)),
            log.lines.join("\n"),
          );
        }
      } finally {
        await pool?.close();
      }
    });
  },
});

/**
 * `deno task start` on a SQLite file checkpoints the WAL from a thread of
 * its own (lib/db/checkpointer.ts): writes reach the database file itself
 * within a fraction of a second, although the serving connection would only
 * checkpoint at 10,000 WAL pages. Checked the way a backup tool would see
 * it: a copy of the database file alone, without its -wal, holds the rows.
 * Always SQLite (the checkpointer exists only there), also in a PostgreSQL
 * run of the suite.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { freePort, waitUntilHealthy } from "../helpers/server_process.ts";
import { TEST_APP_SECRET } from "../helpers/test_app.ts";
import { serverStartArgs } from "../../lib/v8_flags.ts";

const ROOT = new URL("../../", import.meta.url);
const BOOTSTRAP = "bootstrap-token-checkpoint";
const TOKENS = 400;

function countTokens(file: string): number {
  const db = new DatabaseSync(file);
  try {
    const row = db.prepare("SELECT count(*) AS n FROM access_tokens").get();
    return Number(row!.n);
  } finally {
    db.close();
  }
}

Deno.test("sqlite: a checkpointer thread moves committed writes into the database file", async () => {
  const dir = await Deno.makeTempDir({ prefix: "oauth-checkpoint-" });
  const file = `${dir}/oauth.db`;
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: serverStartArgs(),
    cwd: ROOT,
    env: {
      PORT: String(port),
      WORKERS: "1",
      DATABASE_URL: `sqlite:///${file}`,
      APP_SECRET: TEST_APP_SECRET,
      DENO_KV_PATH: `${dir}/kv.db`,
      ENABLE_DEV_ENDPOINTS: "true",
      ADMIN_TOKEN: BOOTSTRAP,
      LOG_REQUESTS: "false",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await waitUntilHealthy(base);
    const created = await fetch(`${base}/dev/create_client`, {
      method: "POST",
      headers: {
        "X-Admin-Token": BOOTSTRAP,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        client_name: "checkpoint service",
        grant_types: ["client_credentials"],
        scope: "profile",
        token_endpoint_auth_method: "client_secret_basic",
      }),
    });
    assert.equal(created.status, 201);
    const { client_id, client_secret } = await created.json();
    const basic = `Basic ${btoa(`${client_id}:${client_secret}`)}`;
    for (let i = 0; i < TOKENS; i++) {
      const res = await fetch(`${base}/token`, {
        method: "POST",
        headers: {
          Authorization: basic,
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "grant_type=client_credentials",
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    // Each insert changes several pages (table and four indexes): these
    // writes are far past SQLite's default 1000-page autocheckpoint yet far
    // below the serving connection's 10,000, so only the thread moves them.
    const copy = `${dir}/copy.db`;
    let copied = 0;
    for (let i = 0; i < 40 && copied < TOKENS; i++) {
      await new Promise((r) => setTimeout(r, 100));
      await Deno.copyFile(file, copy);
      copied = countTokens(copy);
    }
    assert.equal(copied, TOKENS);
    const wal = await Deno.stat(`${file}-wal`);
    assert.ok(wal.size > 0, "the server runs in WAL mode");
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});

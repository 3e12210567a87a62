/**
 * A start that cannot succeed says why in one JSON log line naming what to
 * fix, and exits 1: a bad variable, a SQLite file in a directory that does
 * not exist, a PostgreSQL nobody answers. Never a stack trace.
 * @module
 */
import assert from "node:assert/strict";
import { freePort, startServer } from "../helpers/server_process.ts";

async function failedStart(
  env: Record<string, string | null>,
  databaseURL?: string,
): Promise<string[]> {
  const server = await startServer({
    env,
    databaseURL,
    waitUntilListening: false,
  });
  try {
    const status = await server.exited;
    assert.equal(status.code, 1, server.lines.join("\n"));
    const lines = server.lines.filter((l) => l.trim() !== "");
    for (const line of lines) {
      assert.doesNotThrow(() => JSON.parse(line), `not JSON: ${line}`);
      assert.doesNotMatch(line, /\bat .*\.ts:\d+/, "no stack trace");
    }
    return lines.map((l) => JSON.parse(l).msg as string);
  } finally {
    await server.close();
  }
}

Deno.test("start errors: a bad variable is one JSON line naming it", async () => {
  const msgs = await failedStart({ WORKERS: "many" });
  assert.ok(
    msgs.some((m) => /^configuration error: WORKERS/.test(m)),
    msgs.join("\n"),
  );
});

Deno.test("start errors: a SQLite file whose directory does not exist names DATABASE_URL and the path", async () => {
  const msgs = await failedStart(
    { APP_SECRET: "0123456789abcdef0123456789abcdef0123" },
    "sqlite:////nonexistent-dir-for-this-test/oauth.db",
  );
  assert.ok(
    msgs.some((m) =>
      /cannot open the SQLite database .*nonexistent-dir-for-this-test.*DATABASE_URL/
        .test(m)
    ),
    msgs.join("\n"),
  );
});

Deno.test("start errors: a PostgreSQL nobody answers is one line naming DATABASE_URL", async () => {
  const msgs = await failedStart(
    { APP_SECRET: "0123456789abcdef0123456789abcdef0123" },
    `postgres://postgres@127.0.0.1:${freePort()}/postgres`,
  );
  assert.ok(
    msgs.some((m) => /database \(DATABASE_URL\) cannot be reached/.test(m)),
    msgs.join("\n"),
  );
});

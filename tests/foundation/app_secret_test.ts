/**
 * A lost or changed APP_SECRET with existing signing keys: the server stops
 * at start with one line naming the keys it cannot decrypt and the two ways
 * back (restore the secret, or `deno task admin:reset-keys`), never a stack
 * trace. Both ways work. Real processes, SQLite or PostgreSQL.
 */
import assert from "node:assert/strict";
import { startServer } from "../helpers/server_process.ts";
import { freshDatabaseURL, testEngine } from "../helpers/test_app.ts";

const ROOT = new URL("../../", import.meta.url);
const SECRET_A = "the-first-app-secret-0123456789-abcdefghij";
const SECRET_B = "a-changed-app-secret-0123456789-abcdefghij";

async function jwksKids(base: string): Promise<string[]> {
  const jwks = await (await fetch(`${base}/.well-known/jwks.json`)).json();
  return jwks.keys.map((k: { kid: string }) => k.kid).sort();
}

/** Starts a server on `databaseURL` and expects it to refuse: its one line. */
async function refusal(
  databaseURL: string,
  env: Record<string, string | null>,
): Promise<string> {
  const server = await startServer({
    databaseURL,
    env,
    waitUntilListening: false,
  });
  try {
    const status = await server.exited;
    assert.equal(status.code, 1, server.lines.join("\n"));
    const written = server.lines.filter((l) => l.trim() !== "");
    const errors = written.filter((l) => /"level":"error"/.test(l));
    assert.equal(errors.length, 1, written.join("\n"));
    assert.ok(
      !written.some((l) => /^\s+at /.test(l) || /Uncaught/.test(l)),
      `a stack trace:\n${written.join("\n")}`,
    );
    return JSON.parse(errors[0]).msg;
  } finally {
    await server.close();
  }
}

async function resetKeys(
  databaseURL: string,
  secret: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "admin:reset-keys", ...args],
    cwd: ROOT,
    env: { DATABASE_URL: databaseURL, APP_SECRET: secret },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return {
    code: out.code,
    stdout: text.decode(out.stdout),
    stderr: text.decode(out.stderr),
  };
}

Deno.test("APP_SECRET changed: the server stops with one line naming the keys; restoring the secret or admin:reset-keys brings it back", async () => {
  const database = await freshDatabaseURL();
  try {
    const first = await startServer({
      databaseURL: database.url,
      env: { APP_SECRET: SECRET_A },
    });
    const original = await jwksKids(first.base);
    assert.equal((await first.stop()).code, 0);
    await first.close();

    const line = await refusal(database.url, { APP_SECRET: SECRET_B });
    assert.match(
      line,
      new RegExp(`signing keys ${original[0]} cannot be decrypted`),
    );
    assert.match(line, /APP_SECRET differs/);
    assert.match(line, /Restore that secret/);
    assert.match(line, /deno task admin:reset-keys/);
    assert.match(line, /ID token and JWT access token/);

    // Way back 1: the old secret, nothing lost.
    const restored = await startServer({
      databaseURL: database.url,
      env: { APP_SECRET: SECRET_A },
    });
    assert.deepEqual(await jwksKids(restored.base), original);
    await restored.close();

    // Way back 2: the reset, which first only says what it would do.
    const dry = await resetKeys(database.url, SECRET_B, []);
    assert.equal(dry.code, 2, dry.stderr);
    assert.match(dry.stderr, new RegExp(original[0]));
    assert.match(dry.stderr, /--yes/);
    assert.match(dry.stderr, /stops verifying/);
    const reset = await resetKeys(database.url, SECRET_B, ["--yes"]);
    assert.equal(reset.code, 0, reset.stderr);
    const created = reset.stdout.trim();
    assert.match(created, /^[\w-]{43}$/);
    assert.match(
      reset.stderr,
      new RegExp(`deleted 1 signing key\\(s\\) \\(${original[0]}\\)`),
    );
    const again = await resetKeys(database.url, SECRET_B, ["--yes"]);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /nothing to reset/);

    const recovered = await startServer({
      databaseURL: database.url,
      env: { APP_SECRET: SECRET_B },
    });
    assert.deepEqual(await jwksKids(recovered.base), [created]);
    await recovered.close();
  } finally {
    await database.drop();
  }
});

Deno.test({
  name:
    "APP_SECRET lost: with APP_SECRET unset and its generated file gone, the server stops with one line naming the file",
  // PostgreSQL requires APP_SECRET; only SQLite generates one.
  ignore: testEngine() !== "sqlite",
  async fn() {
    const database = await freshDatabaseURL();
    try {
      // The helper gives every start a new directory: the file is "lost".
      const first = await startServer({ databaseURL: database.url });
      const [kid] = await jwksKids(first.base);
      await first.close();
      const line = await refusal(database.url, {});
      assert.match(line, new RegExp(`signing keys ${kid} cannot be decrypted`));
      assert.match(
        line,
        /the APP_SECRET file \S+\.app_secret \(APP_SECRET is unset\)/,
      );
    } finally {
      await database.drop();
    }
  },
});

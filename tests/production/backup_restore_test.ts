/**
 * Backups as docs/production.md tells an operator to take them: while the
 * server keeps issuing tokens, a backup (`deno task backup` on SQLite,
 * `pg_dump` on PostgreSQL) is restored into a fresh place (`deno task
 * restore`, `pg_restore`), a server started on it comes up cleanly with the
 * same keys, tokens issued before the backup introspect as active and one
 * issued after it does not.
 */
import assert from "node:assert/strict";
import pg from "pg";
import { TEST_APP_SECRET, testEngine } from "../helpers/test_app.ts";
import {
  BOOTSTRAP_TOKEN,
  type Client,
  createClient,
  denoTask,
  isActive,
  issueToken,
  type ServerProcess,
  spawnServer,
  troubleIn,
} from "./server.ts";

const ENV = {
  APP_SECRET: TEST_APP_SECRET,
  ADMIN_TOKEN: BOOTSTRAP_TOKEN,
  ENABLE_DEV_ENDPOINTS: "true",
  WORKERS: "2",
};

/** Issues tokens from `parallel` loops until `stop()`; counts them. */
function writeLoad(base: string, client: Client, parallel: number): {
  issued(): number;
  stop(): Promise<void>;
} {
  let running = true;
  let count = 0;
  const loops = Array.from({ length: parallel }, async () => {
    while (running) {
      await issueToken(base, client);
      count++;
    }
  });
  return {
    issued: () => count,
    async stop() {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function jwks(base: string): Promise<unknown> {
  return await (await fetch(`${base}/.well-known/jwks.json`)).json();
}

interface Before {
  client: Client;
  before: string[];
  after: string;
  jwks: unknown;
}

/**
 * Starts a server on `env`, issues tokens, runs `takeBackup` under write
 * load, issues one more token afterwards, stops the server.
 */
async function issueAndBackUp(
  env: Record<string, string>,
  takeBackup: () => Promise<void>,
): Promise<Before> {
  const server = await spawnServer({ env: { ...ENV, ...env } });
  try {
    const client = await createClient(server.base, "backup-client");
    const before = await Promise.all(
      Array.from({ length: 10 }, () => issueToken(server.base, client)),
    );
    const load = writeLoad(server.base, client, 4);
    // Let the load get going, so the backup really runs under it.
    while (load.issued() < 20) await new Promise((r) => setTimeout(r, 10));
    const start = load.issued();
    await takeBackup();
    const during = load.issued() - start;
    await load.stop();
    assert.ok(during > 0, "tokens were issued while the backup ran");
    const after = await issueToken(server.base, client);
    return { client, before, after, jwks: await jwks(server.base) };
  } finally {
    assert.equal(await server.stop(), 0, server.log());
  }
}

/** Starts a server on the restored copy and checks what it knows. */
async function checkRestored(
  env: Record<string, string>,
  was: Before,
): Promise<ServerProcess> {
  const server = await spawnServer({ env: { ...ENV, ...env } });
  assert.deepEqual(troubleIn(server.log()), [], "it starts cleanly");
  assert.deepEqual(await jwks(server.base), was.jwks, "the same keys");
  for (const token of was.before) {
    assert.equal(await isActive(server.base, was.client, token), true);
  }
  assert.equal(
    await isActive(server.base, was.client, was.after),
    false,
    "a token issued after the backup is not in it",
  );
  // And it signs and stores new ones.
  const fresh = await issueToken(server.base, was.client);
  assert.equal(await isActive(server.base, was.client, fresh), true);
  return server;
}

Deno.test({
  name:
    "backup (SQLite): deno task backup under write load, deno task restore into a fresh directory; earlier tokens still active",
  ignore: testEngine() !== "sqlite",
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "backup-flow-" });
    const live = {
      DATABASE_URL: `sqlite:///${dir}/live/oauth.db`,
      DENO_KV_PATH: `${dir}/live/kv.sqlite`,
    };
    const fresh = {
      DATABASE_URL: `sqlite:///${dir}/fresh/oauth.db`,
      DENO_KV_PATH: `${dir}/kv-fresh.sqlite`,
    };
    try {
      await Deno.mkdir(`${dir}/live`);
      const was = await issueAndBackUp(live, async () => {
        const out = await denoTask("backup", [`${dir}/backup.db`], {
          ...ENV,
          ...live,
        });
        assert.equal(out.code, 0, out.stderr);
        assert.match(out.stdout, /backup written: .*integrity ok/);
        assert.match(
          out.stdout,
          /keep APP_SECRET .*encrypted with it.*APP_SECRET environment variable/,
        );
      });

      const restored = await denoTask("restore", [`${dir}/backup.db`], {
        ...ENV,
        ...fresh,
      });
      assert.equal(restored.code, 0, restored.stderr);
      assert.match(restored.stdout, /restored .* integrity ok/);
      const again = await denoTask("restore", [`${dir}/backup.db`], {
        ...ENV,
        ...fresh,
      });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already has a database.*--force/);

      const server = await checkRestored(fresh, was);
      try {
        // Not even --force replaces the database of a running server.
        const busy = await denoTask(
          "restore",
          ["--force", `${dir}/backup.db`],
          { ...ENV, ...fresh },
        );
        assert.equal(busy.code, 1);
        assert.match(busy.stderr, /in use .*stop it/);
      } finally {
        assert.equal(await server.stop(), 0, server.log());
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** Runs a PostgreSQL client program (pg_dump, pg_restore) from the docs. */
async function run(program: string, args: string[]): Promise<void> {
  const out = await new Deno.Command(program, { args, stdin: "null" })
    .output();
  assert.equal(
    out.code,
    0,
    `${program}: ${new TextDecoder().decode(out.stderr)}`,
  );
}

async function sql(url: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

Deno.test({
  name:
    "backup (PostgreSQL): pg_dump under write load, pg_restore into a new database; earlier tokens still active",
  ignore: testEngine() !== "postgres",
  async fn() {
    const admin = Deno.env.get("TEST_DATABASE_URL")!;
    const suffix = crypto.randomUUID().replaceAll("-", "").slice(0, 16);
    const names = [`bk_live_${suffix}`, `bk_fresh_${suffix}`];
    const urls = names.map((name) => {
      const url = new URL(admin);
      url.pathname = `/${name}`;
      return url.toString();
    });
    const dir = await Deno.makeTempDir({ prefix: "backup-pg-" });
    try {
      for (const name of names) await sql(admin, `CREATE DATABASE ${name}`);
      // The commands docs/production.md gives.
      const was = await issueAndBackUp(
        { DATABASE_URL: urls[0], DENO_KV_PATH: `${dir}/kv-live.sqlite` },
        () =>
          run("pg_dump", [
            "--format=custom",
            `--file=${dir}/authz.dump`,
            urls[0],
          ]),
      );
      await run("pg_restore", [
        "--no-owner",
        `--dbname=${urls[1]}`,
        `${dir}/authz.dump`,
      ]);
      const server = await checkRestored(
        { DATABASE_URL: urls[1], DENO_KV_PATH: `${dir}/kv-fresh.sqlite` },
        was,
      );
      assert.equal(await server.stop(), 0, server.log());
    } finally {
      for (const name of names) {
        await sql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      }
      await Deno.remove(dir, { recursive: true });
    }
  },
});

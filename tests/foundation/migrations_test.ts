import assert from "node:assert/strict";
import { parseDatabaseURL } from "../../lib/config.ts";
import { connectDatabase, type DatabaseHandle } from "../../lib/db/connect.ts";
import { migrateToLatest } from "../../lib/db/migrate.ts";
import type { Database } from "../../lib/db/schema.ts";
import { Migrator } from "kysely/migration";
import { MIGRATIONS } from "../../migrations/mod.ts";
import { freshDatabaseURL, testEngine } from "../helpers/test_app.ts";

// Every table of lib/db/schema.ts; `satisfies` fails type checking when the
// schema gains a table this list lacks.
const SCHEMA_TABLES = Object.keys(
  {
    server_settings: true,
    users: true,
    clients: true,
    client_policies: true,
    scopes: true,
    authorization_codes: true,
    access_tokens: true,
    refresh_tokens: true,
    consents: true,
    sessions: true,
    signing_keys: true,
    audit_events: true,
  } satisfies Record<keyof Database, true>,
).sort();

const ALL_MIGRATIONS = Object.keys(MIGRATIONS).sort();

async function withFreshDatabase(
  fn: (url: string) => Promise<void>,
): Promise<void> {
  const database = await freshDatabaseURL();
  try {
    await fn(database.url);
  } finally {
    await database.drop();
  }
}

function open(url: string): DatabaseHandle {
  return connectDatabase(parseDatabaseURL(url), { poolSize: 2 });
}

async function appliedMigrations(handle: DatabaseHandle): Promise<string[]> {
  // deno-lint-ignore no-explicit-any
  const rows = await (handle.db as any).selectFrom("kysely_migration")
    .select("name").execute() as { name: string }[];
  return rows.map((r) => r.name).sort();
}

Deno.test(`migrations (${testEngine()}): a fresh database gets every table of the schema`, async () => {
  await withFreshDatabase(async (url) => {
    const handle = open(url);
    try {
      assert.deepEqual(await migrateToLatest(handle.db), ALL_MIGRATIONS);
      const tables = (await handle.db.introspection.getTables())
        .map((t) => t.name).sort();
      assert.deepEqual(tables, SCHEMA_TABLES);
      // The tables are usable, not just named: a row goes in and comes back
      // with the integer epoch as a number on both engines.
      await handle.db.insertInto("server_settings")
        .values({ key: "probe", value: "v", updated_at: 1_700_000_000 })
        .execute();
      const row = await handle.db.selectFrom("server_settings").selectAll()
        .where("key", "=", "probe").executeTakeFirstOrThrow();
      assert.deepEqual({ ...row }, {
        key: "probe",
        value: "v",
        updated_at: 1_700_000_000,
      });
    } finally {
      await handle.close();
    }
  });
});

Deno.test(`migrations (${testEngine()}): a second run applies nothing and keeps the data`, async () => {
  await withFreshDatabase(async (url) => {
    const first = open(url);
    try {
      await migrateToLatest(first.db);
      await first.db.insertInto("server_settings")
        .values({ key: "kept", value: "1", updated_at: 1 }).execute();
    } finally {
      await first.close();
    }
    const second = open(url);
    try {
      assert.deepEqual(await migrateToLatest(second.db), []);
      assert.deepEqual(await migrateToLatest(second.db), []);
      assert.deepEqual(await appliedMigrations(second), ALL_MIGRATIONS);
      const kept = await second.db.selectFrom("server_settings")
        .select("value").where("key", "=", "kept").executeTakeFirst();
      assert.equal(kept?.value, "1");
    } finally {
      await second.close();
    }
  });
});

Deno.test(`migrations (${testEngine()}): two instances migrating one fresh database at once both succeed, applying each migration once`, async () => {
  await withFreshDatabase(async (url) => {
    const a = open(url);
    const b = open(url);
    try {
      const [ranA, ranB] = await Promise.all([
        migrateToLatest(a.db),
        migrateToLatest(b.db),
      ]);
      // Together they applied every migration exactly once.
      assert.deepEqual([...ranA, ...ranB].sort(), ALL_MIGRATIONS);
      assert.deepEqual(await appliedMigrations(a), ALL_MIGRATIONS);
      const tables = (await b.db.introspection.getTables())
        .map((t) => t.name).sort();
      assert.deepEqual(tables, SCHEMA_TABLES);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

Deno.test(`migrations (${testEngine()}): server processes starting at once on one fresh database migrate it once`, async () => {
  await withFreshDatabase(async (url) => {
    const script = new URL("../helpers/migrate_once.ts", import.meta.url);
    const runs = await Promise.all(
      [1, 2, 3].map(() =>
        new Deno.Command(Deno.execPath(), {
          args: ["run", "-A", script.pathname],
          env: { DATABASE_URL: url, NO_COLOR: "1" },
          stdout: "piped",
          stderr: "piped",
        }).output()
      ),
    );
    const applied: string[] = [];
    for (const run of runs) {
      const stderr = new TextDecoder().decode(run.stderr);
      assert.equal(run.code, 0, stderr);
      applied.push(...JSON.parse(new TextDecoder().decode(run.stdout)));
    }
    assert.deepEqual(applied.sort(), ALL_MIGRATIONS);
    const handle = open(url);
    try {
      assert.deepEqual(await appliedMigrations(handle), ALL_MIGRATIONS);
    } finally {
      await handle.close();
    }
  });
});

Deno.test(`migrations (${testEngine()}): 0002 fills users.username_canonical; of two existing look-alike names the older keeps it, the newer is audited and can no longer sign in by name`, async () => {
  await withFreshDatabase(async (url) => {
    const handle = open(url);
    try {
      const migrator = new Migrator({
        db: handle.db,
        provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
      });
      const { error } = await migrator.migrateTo("0001_initial_schema");
      assert.equal(error, undefined);
      // deno-lint-ignore no-explicit-any
      const db = handle.db as any;
      const user = (id: string, username: string, created_at: number) => ({
        id,
        username,
        password_hash: "x",
        created_at,
        updated_at: created_at,
      });
      await db.insertInto("users").values([
        user("u-nfc", "\u00c9lodie", 100),
        user("u-nfd", "E\u0301lodie", 200),
        user("u-wide", "\uff22ob", 300),
        user("u-carol", "Carol", 400),
      ]).execute();
      assert.deepEqual(await migrateToLatest(handle.db), [
        "0002_canonical_usernames",
      ]);
      const rows = await db.selectFrom("users")
        .select(["id", "username", "username_canonical"]).orderBy("id")
        .execute();
      assert.deepEqual(
        rows.map((
          r: { id: string; username_canonical: string },
        ) => [r.id, r.username_canonical]),
        [
          ["u-carol", "carol"],
          ["u-nfc", "\u00e9lodie"],
          ["u-nfd", "collision u-nfd"],
          ["u-wide", "bob"],
        ],
      );
      // Shown names stay as entered.
      assert.equal(
        rows.find((r: { id: string }) => r.id === "u-nfd").username,
        "E\u0301lodie",
      );
      const audit = await db.selectFrom("audit_events").selectAll()
        .where("action", "=", "user.username_collision").execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0].target_id, "u-nfd");
      assert.equal(JSON.parse(audit[0].detail).same_as_id, "u-nfc");
      // The unique index holds on this engine.
      await assert.rejects(
        db.insertInto("users").values({
          ...user("u-dup", "CAROL", 500),
          username_canonical: "carol",
        }).execute(),
      );
    } finally {
      await handle.close();
    }
  });
});

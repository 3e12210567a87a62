import assert from "node:assert/strict";
import { parseDatabaseURL } from "../../lib/config.ts";
import { connectDatabase, type DatabaseHandle } from "../../lib/db/connect.ts";
import { migrateToLatest } from "../../lib/db/migrate.ts";
import type { Database } from "../../lib/db/schema.ts";
import { Migrator } from "kysely/migration";
import { sql } from "kysely";
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
    user_totp: true,
    user_recovery_codes: true,
    webauthn_credentials: true,
    api_resources: true,
    initial_access_tokens: true,
    account_tokens: true,
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
      const to0002 = await migrator.migrateTo("0002_canonical_usernames");
      assert.equal(to0002.error, undefined);
      assert.deepEqual(
        to0002.results?.map((r) => r.migrationName),
        ["0002_canonical_usernames"],
      );
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

Deno.test(`migrations (${testEngine()}): 0003 keeps each existing refresh token's scope as its grant scope and gives policies no reuse grace`, async () => {
  await withFreshDatabase(async (url) => {
    const handle = open(url);
    try {
      const migrator = new Migrator({
        db: handle.db,
        provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
      });
      assert.equal(
        (await migrator.migrateTo("0002_canonical_usernames")).error,
        undefined,
      );
      // deno-lint-ignore no-explicit-any
      const db = handle.db as any;
      await db.insertInto("users").values({
        id: "u1",
        username: "alice",
        username_canonical: "alice",
        password_hash: "x",
        created_at: 1,
        updated_at: 1,
      }).execute();
      await db.insertInto("clients").values({
        client_id: "c1",
        client_name: "c1",
        client_secret_hash: null,
        redirect_uris: "[]",
        grant_types: "authorization_code refresh_token",
        response_types: "code",
        scope: "openid offline_access",
        token_endpoint_auth_method: "none",
        require_consent: 1,
        created_at: 1,
        updated_at: 1,
      }).execute();
      await db.insertInto("client_policies").values({
        client_id: "c1",
        allowed_scopes: "openid offline_access",
        default_scopes: "openid",
        post_logout_redirect_uris: "[]",
        require_pkce: 1,
        consent_policy: "once",
        access_token_lifetime: 3600,
        refresh_token_ttl_days: 30,
        token_format: "opaque",
        id_token_signed_response_alg: "RS256",
        updated_at: 1,
      }).execute();
      await db.insertInto("refresh_tokens").values({
        token_hash: "h1",
        grant_id: "g1",
        client_id: "c1",
        user_id: "u1",
        scope: "openid offline_access",
        auth_time: 1,
        session_id: null,
        expires_at: 10,
        consumed_at: null,
        revoked_at: null,
        created_at: 1,
      }).execute();
      const up = await migrator.migrateTo(
        "0003_refresh_grace_and_token_sessions",
      );
      assert.equal(up.error, undefined);
      const token = await db.selectFrom("refresh_tokens").selectAll()
        .executeTakeFirst();
      assert.equal(token.grant_scope, "openid offline_access");
      assert.equal(token.successor, null);
      const policy = await db.selectFrom("client_policies").selectAll()
        .executeTakeFirst();
      assert.equal(policy.refresh_reuse_grace_seconds, 0);
    } finally {
      await handle.close();
    }
  });
});

Deno.test(`migrations (${testEngine()}): 0004 gives existing signing keys activates_at = created_at (they signed from their creation)`, async () => {
  await withFreshDatabase(async (url) => {
    const handle = open(url);
    try {
      const migrator = new Migrator({
        db: handle.db,
        provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
      });
      const before = ALL_MIGRATIONS.filter((m) => m < "0004_key_activation");
      const { error } = await migrator.migrateTo(before[before.length - 1]);
      assert.equal(error, undefined);
      // deno-lint-ignore no-explicit-any
      const db = handle.db as any;
      await db.insertInto("signing_keys").values({
        kid: "old",
        alg: "RS256",
        public_jwk: "{}",
        private_jwk_enc: "v1.x.y",
        status: "active",
        created_at: 1234,
        retired_at: null,
      }).execute();
      assert.deepEqual(
        await migrateToLatest(handle.db),
        ALL_MIGRATIONS.filter((m) => m >= "0004_key_activation"),
      );
      const row = await db.selectFrom("signing_keys")
        .select(["kid", "activates_at"]).executeTakeFirst();
      assert.deepEqual({ ...row }, { kid: "old", activates_at: 1234 });
    } finally {
      await handle.close();
    }
  });
});

Deno.test(`migrations (${testEngine()}): 0005 records existing user sessions, codes and refresh tokens as password sign-ins, admin sessions as none, and policies without a second factor; down removes it all`, async () => {
  await withFreshDatabase(async (url) => {
    const handle = open(url);
    try {
      const migrator = new Migrator({
        db: handle.db,
        provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
      });
      assert.equal(
        (await migrator.migrateTo("0003_refresh_grace_and_token_sessions"))
          .error,
        undefined,
      );
      // deno-lint-ignore no-explicit-any
      const db = handle.db as any;
      await db.insertInto("users").values({
        id: "u1",
        username: "alice",
        username_canonical: "alice",
        password_hash: "x",
        created_at: 1,
        updated_at: 1,
      }).execute();
      await db.insertInto("clients").values({
        client_id: "c1",
        client_name: "c1",
        client_secret_hash: null,
        redirect_uris: "[]",
        grant_types: "authorization_code",
        response_types: "code",
        scope: "openid",
        token_endpoint_auth_method: "none",
        require_consent: 1,
        created_at: 1,
        updated_at: 1,
      }).execute();
      await db.insertInto("client_policies").values({
        client_id: "c1",
        allowed_scopes: "openid",
        default_scopes: "openid",
        post_logout_redirect_uris: "[]",
        require_pkce: 1,
        consent_policy: "once",
        access_token_lifetime: 3600,
        refresh_token_ttl_days: 30,
        token_format: "opaque",
        id_token_signed_response_alg: "RS256",
        updated_at: 1,
      }).execute();
      const session = (id: string, kind: string, user: string | null) => ({
        id,
        secret_hash: "h",
        kind,
        user_id: user,
        auth_time: 1,
        created_at: 1,
        last_seen_at: 1,
        expires_at: 9_999_999_999,
      });
      await db.insertInto("sessions").values([
        session("s1", "user", "u1"),
        session("s2", "admin", null),
      ]).execute();
      await db.insertInto("authorization_codes").values({
        code_hash: "c",
        grant_id: "g",
        client_id: "c1",
        user_id: "u1",
        redirect_uri: "https://app/cb",
        scope: "openid",
        auth_time: 1,
        expires_at: 9_999_999_999,
        created_at: 1,
      }).execute();
      assert.equal(
        (await migrator.migrateTo("0005_second_factors")).error,
        undefined,
      );
      const sessions = await db.selectFrom("sessions").select([
        "id",
        "amr",
        "acr",
      ])
        .orderBy("id").execute();
      assert.deepEqual(
        sessions.map((s: Record<string, unknown>) => ({ ...s })),
        [
          { id: "s1", amr: "pwd", acr: null },
          { id: "s2", amr: "", acr: null },
        ],
      );
      const code = await db.selectFrom("authorization_codes").selectAll()
        .executeTakeFirst();
      assert.equal(code.amr, "pwd");
      const policy = await db.selectFrom("client_policies").selectAll()
        .executeTakeFirst();
      assert.equal(policy.require_second_factor, 0);
      await db.insertInto("webauthn_credentials").values({
        credential_id: "k",
        user_id: "u1",
        name: "key",
        public_key: "AA",
        device_type: "singleDevice",
        aaguid: "0",
        created_at: 1,
      }).execute();
      // Deleting the user takes the passkey with it.
      await db.deleteFrom("users").where("id", "=", "u1").execute();
      assert.equal(
        (await db.selectFrom("webauthn_credentials").selectAll().execute())
          .length,
        0,
      );
      const down = await migrator.migrateTo(
        "0003_refresh_grace_and_token_sessions",
      );
      assert.equal(down.error, undefined);
      const tables = (await handle.db.introspection.getTables()).map((t) =>
        t.name
      );
      assert.ok(!tables.includes("webauthn_credentials"));
    } finally {
      await handle.close();
    }
  });
});

Deno.test(`migrations (${testEngine()}): 0006 makes existing clients admin-registered and enabled, their tokens for the client (no resources), and migrates down again`, async () => {
  await withFreshDatabase(async (url) => {
    const handle = open(url);
    try {
      const migrator = new Migrator({
        db: handle.db,
        provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
      });
      assert.equal(
        (await migrator.migrateTo("0005_second_factors"))
          .error,
        undefined,
      );
      // deno-lint-ignore no-explicit-any
      const db = handle.db as any;
      await db.insertInto("clients").values({
        client_id: "c1",
        client_name: "c1",
        client_secret_hash: null,
        redirect_uris: "[]",
        grant_types: "client_credentials",
        response_types: "code",
        scope: "",
        token_endpoint_auth_method: "client_secret_basic",
        require_consent: 1,
        created_at: 1,
        updated_at: 1,
      }).execute();
      await db.insertInto("access_tokens").values({
        token_hash: "a1",
        grant_id: null,
        client_id: "c1",
        user_id: null,
        scope: "",
        jti: null,
        expires_at: 10,
        revoked_at: null,
        created_at: 1,
        session_id: null,
      }).execute();
      assert.equal(
        (await migrator.migrateTo("0006_api_resources")).error,
        undefined,
      );
      const client = await db.selectFrom("clients").selectAll()
        .executeTakeFirst();
      assert.equal(client.registration_type, "admin");
      assert.equal(Number(client.disabled), 0);
      assert.equal(client.registration_access_token_hash, null);
      const token = await db.selectFrom("access_tokens").selectAll()
        .executeTakeFirst();
      assert.equal(token.resources, null);
      await db.insertInto("api_resources").values({
        identifier: "https://api.example/",
        name: "API",
        scopes: "",
        is_default: 0,
        created_at: 1,
        updated_at: 1,
      }).execute();
      const down = await migrator.migrateTo(
        "0005_second_factors",
      );
      assert.equal(down.error, undefined);
      const after = await db.selectFrom("clients").selectAll()
        .executeTakeFirst();
      assert.equal(after.registration_type, undefined);
    } finally {
      await handle.close();
    }
  });
});

Deno.test(`migrations (${testEngine()}): 0009 makes the access-token grant, user and session indexes partial, still used by the revocation lookups, and migrates down again`, async () => {
  await withFreshDatabase(async (url) => {
    const handle = open(url);
    try {
      const migrator = new Migrator({
        db: handle.db,
        provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
      });
      assert.equal(
        (await migrator.migrateTo("0009_partial_token_indexes")).error,
        undefined,
      );
      const sqlite = testEngine() === "sqlite";
      const definitions = async () =>
        sqlite
          ? (await sql<
            { name: string; sql: string }
          >`select name, sql from sqlite_master where type = 'index' and tbl_name = 'access_tokens' and sql is not null order by name`
            .execute(handle.db)).rows
          : (await sql<
            { name: string; sql: string }
          >`select indexname as name, indexdef as sql from pg_indexes where tablename = 'access_tokens' and indexname like 'access_tokens_%_idx' order by indexname`
            .execute(handle.db)).rows;
      const partial = (await definitions()).filter((d) =>
        /\bwhere\b/i.test(d.sql)
      ).map((d) => d.name);
      assert.deepEqual(partial, [
        "access_tokens_grant_idx",
        "access_tokens_session_idx",
        "access_tokens_user_client_idx",
      ]);
      // The lookups that revoke a grant, a user's or a session's tokens
      // compare with `=`, so the planner may still use the partial index.
      const plans = sqlite
        ? await Promise.all(
          ["grant_id", "user_id", "session_id"].map(async (column) =>
            JSON.stringify(
              (await sql.raw(
                `explain query plan select token_hash from access_tokens where ${column} = 'x'`,
              ).execute(handle.db)).rows,
            )
          ),
        )
        : await handle.db.transaction().execute(async (trx) => {
          await sql`set local enable_seqscan = off`.execute(trx);
          return await Promise.all(
            ["grant_id", "user_id", "session_id"].map(async (column) =>
              JSON.stringify(
                (await sql.raw(
                  `explain select token_hash from access_tokens where ${column} = 'x'`,
                ).execute(trx)).rows,
              )
            ),
          );
        });
      for (const [i, index] of ["grant", "user_client", "session"].entries()) {
        assert.match(plans[i], new RegExp(`access_tokens_${index}_idx`));
      }
      assert.equal(
        (await migrator.migrateTo("0007_accounts")).error,
        undefined,
      );
      assert.deepEqual(
        (await definitions()).filter((d) => /\bwhere\b/i.test(d.sql)),
        [],
      );
    } finally {
      await handle.close();
    }
  });
});

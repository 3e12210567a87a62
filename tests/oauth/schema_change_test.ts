/**
 * A column added to a table by a migration of another instance (a rolling
 * deploy) must not break the hot lookups of a running one: on PostgreSQL
 * they are named prepared statements, which the server refuses to run once
 * their `select *` would change shape ("cached plan must not change result
 * type"); on SQLite a statement is re-prepared by SQLite itself.
 */
import assert from "node:assert/strict";
import { sql } from "kysely";
import { demoTokens, seedDemo } from "../helpers/oauth.ts";
import { completeSetupFor, startTestApp } from "../helpers/test_app.ts";

Deno.test("schema change: userinfo and introspection keep answering after a column is added under them", async () => {
  const t = await startTestApp();
  try {
    await completeSetupFor(t);
    await seedDemo(t);
    const tokens = await demoTokens(t, { scope: "openid profile email" });
    const userinfo = () =>
      t.fetch("/userinfo", {
        headers: { Authorization: `Bearer ${tokens.access_token}` },
      });
    const introspect = () =>
      t.fetch("/introspect", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: `client_id=demo-web&token=${tokens.access_token}`,
      });
    // Prepare the statements on as many pooled connections as we can.
    await Promise.all(Array.from({ length: 10 }, async () => {
      const res = await userinfo();
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }));
    await sql`alter table users add column nickname_extra text`.execute(
      t.deps.db,
    );
    await sql`alter table access_tokens add column note_extra text`.execute(
      t.deps.db,
    );
    for (let i = 0; i < 3; i++) {
      const results = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const a = await userinfo();
          const b = await introspect();
          return [a.status, (await b.json()).active, (await a.json()).sub];
        }),
      );
      for (const [status, active, sub] of results) {
        assert.equal(status, 200);
        assert.equal(active, true);
        assert.equal(typeof sub, "string");
      }
    }
  } finally {
    await t.close();
  }
});

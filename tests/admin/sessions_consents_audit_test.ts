import assert from "node:assert/strict";
import { findToken, isTokenActive } from "../../lib/oauth/tokens/lookup.ts";
import { SESSION_LIFETIME } from "../../lib/security/session.ts";
import { demoParams, demoTokens, runAuthorize } from "../helpers/oauth.ts";
import { signInAdmin, type TestApp } from "../helpers/test_app.ts";
import {
  type AdminFixture,
  issuePaths,
  startAdminApp,
} from "./admin_fixture.ts";

const SESSION_KEYS = [
  "auth_time",
  "created_at",
  "expires_at",
  "id",
  "ip",
  "last_seen_at",
  "user_agent",
  "user_id",
  "username",
];

async function aliceID(api: AdminFixture["api"]): Promise<string> {
  const list = await api("GET", "/admin/users");
  return list.body.find((u: { username: string }) => u.username === "alice")
    .id;
}

async function tokenActive(t: TestApp, token: unknown): Promise<boolean> {
  const found = await findToken(t.deps.db, String(token), null);
  return found !== null && isTokenActive(found, t.deps.now());
}

Deno.test("admin sessions: GET lists live user sessions with their user, never admin sessions or secret hashes", async () => {
  const { t, api, token } = await startAdminApp();
  try {
    await signInAdmin(t, token);
    const flow = await runAuthorize(t, demoParams().params);
    assert.ok(flow.location?.searchParams.get("code"));
    const res = await api("GET", "/admin/sessions");
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 1);
    const [session] = res.body;
    assert.deepEqual(Object.keys(session).sort(), SESSION_KEYS);
    assert.equal(session.username, "alice");
    assert.equal(session.user_id, await aliceID(api));
    assert.equal(session.created_at, t.deps.now());
    assert.equal(session.expires_at, t.deps.now() + SESSION_LIFETIME.user);
    const row = await t.deps.db.selectFrom("sessions").selectAll()
      .where("id", "=", session.id).executeTakeFirstOrThrow();
    assert.ok(!JSON.stringify(res.body).includes(row.secret_hash));
    assert.ok(!JSON.stringify(res.body).includes(flow.jar.get("sid")!));
    const bobs = await api("GET", "/admin/sessions?user_id=nobody");
    assert.deepEqual(bobs.body, []);
    t.advance(SESSION_LIFETIME.user);
    assert.deepEqual((await api("GET", "/admin/sessions")).body, []);
  } finally {
    await t.close();
  }
});

Deno.test("admin sessions: DELETE ends a user session (the next /authorize asks to sign in); unknown or admin ids are 404", async () => {
  const { t, api, token } = await startAdminApp();
  try {
    const flow = await runAuthorize(t, demoParams().params);
    const [session] = (await api("GET", "/admin/sessions")).body;
    const res = await api("DELETE", `/admin/sessions/${session.id}`);
    assert.equal(res.status, 204);
    const again = await runAuthorize(t, demoParams().params, {
      jar: flow.jar,
      username: "bob",
      password: "bob",
    });
    assert.equal(again.pages[0], "Sign in");
    assert.equal(
      (await api("DELETE", `/admin/sessions/${session.id}`)).status,
      404,
    );
    const jar = await signInAdmin(t, token);
    const adminID = jar.get("admin_sid")!.split(".")[0];
    assert.equal(
      (await api("DELETE", `/admin/sessions/${adminID}`)).status,
      404,
    );
    const audit = await api("GET", "/admin/audit?action=session.ended");
    assert.equal(audit.body.events[0].target_id, session.id);
    assert.equal(audit.body.events[0].detail.user_id, session.user_id);
  } finally {
    await t.close();
  }
});

Deno.test("admin consents: GET lists what a user granted, by client; unknown users are 404", async () => {
  const { t, api } = await startAdminApp();
  try {
    const id = await aliceID(api);
    assert.deepEqual(
      (await api("GET", `/admin/users/${id}/consents`)).body,
      [],
    );
    await runAuthorize(t, demoParams().params);
    const res = await api("GET", `/admin/users/${id}/consents`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, [{
      client_id: "demo-web",
      client_name: "Demo Web App",
      scopes: ["email", "offline_access", "openid", "profile"],
      created_at: t.deps.now(),
      updated_at: t.deps.now(),
    }]);
    const unknown = await api("GET", "/admin/users/nope/consents");
    assert.equal(unknown.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("admin consents: DELETE revokes the consent and the client's tokens; the next /authorize asks again", async () => {
  const { t, api } = await startAdminApp();
  try {
    const id = await aliceID(api);
    const first = await runAuthorize(t, demoParams().params);
    const tokens = await demoTokens(t, {}, { jar: first.jar });
    const res = await api("DELETE", `/admin/users/${id}/consents/demo-web`);
    assert.equal(res.status, 204);
    assert.equal(await tokenActive(t, tokens.access_token), false);
    assert.deepEqual(
      (await api("GET", `/admin/users/${id}/consents`)).body,
      [],
    );
    const again = await runAuthorize(t, demoParams().params, {
      jar: first.jar,
    });
    assert.deepEqual(again.pages, ["Allow access?"]);
    const twice = await api("DELETE", `/admin/users/${id}/consents/nope`);
    assert.equal(twice.status, 404);
    const unknown = await api("DELETE", "/admin/users/nope/consents/demo-web");
    assert.equal(unknown.status, 404);
    const audit = await api("GET", "/admin/audit?action=consent.revoked");
    assert.equal(audit.body.events[0].detail.client_id, "demo-web");
  } finally {
    await t.close();
  }
});

Deno.test("admin audit: newest first, paged with limit and next_before even within one second", async () => {
  const { t, api } = await startAdminApp();
  try {
    for (let i = 0; i < 5; i++) {
      await api("POST", "/admin/scopes", { name: `s${i}` });
    }
    const names: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const query: string = before === null
        ? "?limit=2&target_type=scope"
        : `?limit=2&target_type=scope&before=${before}`;
      const res = await api("GET", `/admin/audit${query}`);
      assert.equal(res.status, 200);
      assert.ok(res.body.events.length <= 2);
      names.push(
        ...res.body.events.map((e: { target_id: string }) => e.target_id),
      );
      before = res.body.next_before;
      pages++;
    } while (before !== null && pages < 10);
    assert.deepEqual(names, ["s4", "s3", "s2", "s1", "s0"]);
    assert.equal(pages, 3);
  } finally {
    await t.close();
  }
});

Deno.test("admin audit: before=<epoch seconds> answers only older events", async () => {
  const { t, api } = await startAdminApp();
  try {
    await api("POST", "/admin/scopes", { name: "old" });
    t.advance(60);
    const cut = t.deps.now();
    await api("POST", "/admin/scopes", { name: "new" });
    const all = await api("GET", "/admin/audit?target_type=scope");
    assert.deepEqual(
      all.body.events.map((e: { target_id: string }) => e.target_id),
      ["new", "old"],
    );
    assert.equal(all.body.next_before, null);
    const older = await api(
      "GET",
      `/admin/audit?target_type=scope&before=${cut}`,
    );
    assert.deepEqual(
      older.body.events.map((e: { target_id: string }) => e.target_id),
      ["old"],
    );
    const [event] = older.body.events;
    assert.deepEqual(Object.keys(event).sort(), [
      "action",
      "actor",
      "created_at",
      "detail",
      "id",
      "ip",
      "target_id",
      "target_type",
    ]);
    assert.equal(event.created_at, cut - 60);
  } finally {
    await t.close();
  }
});

Deno.test("admin audit: a bad limit or before is 400 naming it", async () => {
  const { t, api } = await startAdminApp();
  try {
    for (
      const [query, field] of [
        ["limit=0", "limit"],
        ["limit=501", "limit"],
        ["limit=abc", "limit"],
        ["before=yesterday", "before"],
        ["before=1.2", "before"],
      ]
    ) {
      const res = await api("GET", `/admin/audit?${query}`);
      assert.equal(res.status, 400, query);
      assert.deepEqual(issuePaths(res.body), [field], query);
    }
  } finally {
    await t.close();
  }
});

Deno.test("admin audit: over a real connection each event records the caller's IP", async () => {
  const { t, token } = await startAdminApp({ listen: true });
  try {
    const res = await fetch(`${t.base}/admin/scopes`, {
      method: "POST",
      headers: { "X-Admin-Token": token, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "net" }),
    });
    assert.equal(res.status, 201);
    await res.body?.cancel();
    const audit = await fetch(`${t.base}/admin/audit?action=scope.created`, {
      headers: { "X-Admin-Token": token },
    });
    const [event] = (await audit.json()).events;
    assert.equal(event.ip, "127.0.0.1");
    assert.equal(event.actor, "admin-token");
  } finally {
    await t.close();
  }
});

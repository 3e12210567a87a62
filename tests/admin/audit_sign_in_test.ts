/**
 * Sign-ins, failed admin tokens and their audit trail: every evaluated
 * sign-in (success or failure, with address, client and reason, never the
 * password) and every failed X-Admin-Token call is an audit event, the
 * admin API filters them by action, actor, address and time, and a flood
 * writes no more rows than the budget let through.
 * @module
 */
import assert from "node:assert/strict";
import { BUDGETS } from "../../lib/security/rate_limit.ts";
import { demoParams } from "../helpers/oauth.ts";
import { dumpDatabase } from "../helpers/db_dump.ts";
import {
  CookieJar,
  fetchFrom,
  openAuthorize,
  postFrom,
} from "../security/fixture.ts";
import type { TestApp } from "../helpers/test_app.ts";
import { startAdminApp } from "./admin_fixture.ts";

const HOME = "198.51.100.10";
const GUESSER = "203.0.113.50";

async function signIn(
  t: TestApp,
  ip: string,
  username: string,
  password: string,
): Promise<number> {
  const jar = new CookieJar();
  const { params } = demoParams();
  const page = await openAuthorize(
    t,
    ip,
    new URLSearchParams(params as Record<string, string>),
    jar,
  );
  const res = await postFrom(t, ip, "/authorize", {
    ...page.fields,
    username,
    password,
  }, jar);
  await res.body?.cancel();
  return res.status;
}

interface Event {
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
  created_at: number;
}

Deno.test("audit: sign-ins and failed sign-ins are recorded with address, client and reason (never the password) and filter by action, actor, address and time", async () => {
  const { t, api } = await startAdminApp();
  try {
    const start = t.deps.now();
    assert.equal(await signIn(t, HOME, "alice", "alice"), 200);
    t.advance(60);
    assert.equal(await signIn(t, GUESSER, "alice", "pw-guess-1"), 401);
    assert.equal(await signIn(t, GUESSER, "mallory", "pw-guess-2"), 401);

    const failed = await api("GET", "/admin/audit?action=sign_in.failed");
    assert.equal(failed.status, 200);
    const events = failed.body.events as Event[];
    assert.deepEqual(
      events.map((e) => [e.actor, e.ip, e.detail.reason, e.detail.client_id]),
      [
        ["user:mallory", GUESSER, "unknown_user", "demo-web"],
        ["user:alice", GUESSER, "wrong_password", "demo-web"],
      ],
    );
    const alice = (await api("GET", "/admin/users")).body
      .find((u: { username: string }) => u.username === "alice").id;
    assert.equal(events[1].target_type, "sign_in");
    assert.equal(events[1].target_id, alice);
    assert.equal(events[0].target_id, null);

    const byActor = await api("GET", "/admin/audit?actor=user:alice");
    assert.deepEqual(
      (byActor.body.events as Event[]).map((e) => [e.action, e.ip]),
      [["sign_in.failed", GUESSER], ["sign_in.succeeded", HOME]],
    );
    const byIP = await api("GET", `/admin/audit?ip=${GUESSER}`);
    assert.equal(byIP.body.events.length, 2);
    const before = await api("GET", `/admin/audit?until=${start + 30}`);
    assert.deepEqual(
      (before.body.events as Event[]).filter((e) =>
        e.action.startsWith("sign_in.")
      ).map((e) => e.action),
      ["sign_in.succeeded"],
    );
    const iso = new Date((start + 30) * 1000).toISOString().slice(0, 19);
    const after = await api("GET", `/admin/audit?since=${iso}`);
    assert.deepEqual(
      (after.body.events as Event[]).map((e) => e.action),
      ["sign_in.failed", "sign_in.failed"],
    );
    const bad = await api("GET", "/admin/audit?since=yesterday");
    assert.equal(bad.status, 400);
    assert.match(bad.body.error_description, /since/);

    // No password, right or wrong, is anywhere in the database.
    const dump = await dumpDatabase(t.deps.db);
    for (const secret of ["pw-guess-1", "pw-guess-2"]) {
      assert.equal(dump.includes(secret), false, secret);
    }
  } finally {
    await t.close();
  }
});

Deno.test("audit: a failed X-Admin-Token call is recorded with its address, method and path; the budget caps the rows a flood writes", async () => {
  const { t, api } = await startAdminApp();
  try {
    for (let i = 0; i < BUDGETS.adminLoginPerIP.limit + 15; i++) {
      const res = await fetchFrom(t, GUESSER, "/admin/clients", {
        headers: { "X-Admin-Token": `guess-${i}-0123456789` },
      });
      assert.ok(res.status === 401 || res.status === 429);
      await res.body?.cancel();
    }
    const audit = await api("GET", "/admin/audit?action=admin.token_failed");
    const events = audit.body.events as Event[];
    assert.equal(events.length, BUDGETS.adminLoginPerIP.limit);
    assert.deepEqual(
      [events[0].actor, events[0].ip, events[0].detail],
      ["anonymous", GUESSER, { method: "GET", path: "/admin/clients" }],
    );

    // 50 wrong sign-ins from one address: only the evaluated ones are rows.
    const statuses = [];
    for (let i = 0; i < 50; i++) {
      statuses.push(await signIn(t, GUESSER, "bob", `guess-${i}`));
    }
    assert.equal(
      statuses.filter((s) => s === 401).length,
      BUDGETS.loginPerAccountIP.limit,
    );
    const signIns = await api(
      "GET",
      `/admin/audit?action=sign_in.failed&ip=${GUESSER}&limit=500`,
    );
    assert.equal(signIns.body.events.length, BUDGETS.loginPerAccountIP.limit);
  } finally {
    await t.close();
  }
});

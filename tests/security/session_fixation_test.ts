/**
 * Session fixation (RFC 6819 §4.4.1.13 resource-owner impersonation via a
 * planted session; OWASP session fixation): a sign-in always starts a new
 * server-made session id, whatever `sid` / `admin_sid` cookie the browser
 * brought; a planted value is never adopted, and a cookie that names a
 * session without its secret neither authenticates nor ends it.
 * @module
 */
import assert from "node:assert/strict";
import { findSession } from "../../lib/db/sessions.ts";
import { demoParams } from "../helpers/oauth.ts";
import { CookieJar, openForm, type TestApp } from "../helpers/test_app.ts";
import {
  fetchFrom,
  openAuthorize,
  postFrom,
  startSecurityApp,
} from "./fixture.ts";

const IP = "192.0.2.70";

/** Signs `username` in through the form in `jar`; returns the new sid. */
async function signIn(
  t: TestApp,
  jar: CookieJar,
  username: string,
  extra: Record<string, string> = {},
): Promise<string> {
  const { params } = demoParams(extra);
  const page = await openAuthorize(
    t,
    IP,
    new URLSearchParams(params as Record<string, string>),
    jar,
  );
  assert.equal(page.fields._action, "login", "a sign-in form");
  const res = await postFrom(t, IP, "/authorize", {
    ...page.fields,
    username,
    password: username,
  }, jar);
  assert.ok([200, 303].includes(res.status), `sign-in ${res.status}`);
  await res.body?.cancel();
  const sid = res.headers.getSetCookie().find((c) => c.startsWith("sid="));
  assert.ok(sid, "a sid cookie is set at sign-in");
  return sid.slice(4).split(";")[0];
}

/** Who the `sid` cookie value signs in, judged by what /authorize shows. */
async function whoIs(t: TestApp, sid: string): Promise<string | null> {
  const { params } = demoParams({ prompt: "none" });
  const res = await fetchFrom(
    t,
    IP,
    `/authorize?${new URLSearchParams(params as Record<string, string>)}`,
    { headers: { Cookie: `sid=${sid}` } },
  );
  const location = new URL(res.headers.get("Location")!);
  if (location.searchParams.get("error") === "login_required") return null;
  return location.searchParams.get("error") ?? "signed-in";
}

Deno.test("session fixation: a planted sid of the attacker's own session is replaced at sign-in, and ended", async () => {
  const { t } = await startSecurityApp();
  try {
    // The attacker signs in as bob and plants bob's cookie in alice's browser.
    const attacker = new CookieJar();
    const planted = await signIn(t, attacker, "bob");
    const victim = new CookieJar();
    victim.capture(
      new Response(null, { headers: { "Set-Cookie": `sid=${planted}` } }),
    );
    const issued = await signIn(t, victim, "alice", { prompt: "login" });
    assert.notEqual(issued, planted);
    assert.notEqual(issued.split(".")[0], planted.split(".")[0]);
    assert.equal(victim.get("sid"), issued);
    // The planted session is over: the attacker's cookie is worth nothing.
    assert.equal(
      await findSession(t.deps.db, planted.split(".")[0]),
      undefined,
    );
    assert.equal(await whoIs(t, planted), null);
    assert.notEqual(await whoIs(t, issued), null);
  } finally {
    await t.close();
  }
});

Deno.test("session fixation: an attacker-chosen sid value is never adopted", async () => {
  const { t } = await startSecurityApp();
  try {
    for (
      const chosen of [
        "attackerchosenid.attackerchosensecret",
        "AAAAAAAAAAAAAAAAAAAAAA.BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB",
        "fixed",
      ]
    ) {
      const jar = new CookieJar();
      jar.capture(
        new Response(null, { headers: { "Set-Cookie": `sid=${chosen}` } }),
      );
      const issued = await signIn(t, jar, "alice");
      assert.notEqual(issued, chosen);
      assert.equal(
        await findSession(t.deps.db, chosen.split(".")[0]),
        undefined,
        "no session row carries the chosen id",
      );
      assert.equal(await whoIs(t, chosen), null);
    }
  } finally {
    await t.close();
  }
});

Deno.test("session fixation: every sign-in issues a new id, and re-authentication replaces the old session", async () => {
  const { t } = await startSecurityApp();
  try {
    const jar = new CookieJar();
    const first = await signIn(t, jar, "alice");
    const second = await signIn(t, jar, "alice", { prompt: "login" });
    assert.notEqual(first.split(".")[0], second.split(".")[0]);
    assert.equal(await whoIs(t, first), null, "the old session ended");
    assert.notEqual(await whoIs(t, second), null);
  } finally {
    await t.close();
  }
});

Deno.test("session fixation: a cookie naming a session without its secret neither signs in nor ends that session", async () => {
  const { t } = await startSecurityApp();
  try {
    const owner = new CookieJar();
    const real = await signIn(t, owner, "alice");
    const id = real.split(".")[0];
    // The id is no secret (it is the sid claim of every ID token).
    const forged = `${id}.${"x".repeat(43)}`;
    assert.equal(await whoIs(t, forged), null);
    const jar = new CookieJar();
    jar.capture(
      new Response(null, { headers: { "Set-Cookie": `sid=${forged}` } }),
    );
    await signIn(t, jar, "bob");
    assert.ok(await findSession(t.deps.db, id), "alice's session survives");
    assert.notEqual(await whoIs(t, real), null);
  } finally {
    await t.close();
  }
});

Deno.test("session fixation: a planted admin_sid is not adopted at admin sign-in", async () => {
  const { t, adminToken } = await startSecurityApp();
  try {
    const planted =
      "plantedadminid0000000.plantedadminsecret000000000000000000000000";
    const jar = new CookieJar();
    jar.capture(
      new Response(null, {
        headers: { "Set-Cookie": `admin_sid=${planted}` },
      }),
    );
    const csrf = await openForm(t, "/admin/login", jar);
    const res = await postFrom(t, IP, "/admin/login", {
      csrf_token: csrf,
      token: adminToken,
    }, jar);
    assert.equal(res.status, 303);
    const issued = jar.get("admin_sid")!;
    assert.notEqual(issued, planted);
    const rows = await t.deps.db.selectFrom("sessions").select(["id", "kind"])
      .where("kind", "=", "admin").execute();
    assert.deepEqual(rows.map((r) => r.id), [issued.split(".")[0]]);
    const withPlanted = await t.fetch("/admin/scopes", {
      headers: { Cookie: `admin_sid=${planted}` },
    });
    assert.equal(withPlanted.status, 401);
    await withPlanted.body?.cancel();
    // Reading the page's own markup: the session cookie never appears in it.
    const page = await t.fetch("/admin/ui", {
      headers: { Accept: "text/html", Cookie: jar.header() },
    });
    assert.doesNotMatch(await page.text(), new RegExp(issued.split(".")[1]));
  } finally {
    await t.close();
  }
});

/**
 * The admin's side of self-service accounts: lock with a reason (the
 * person is told only after the right password; unlock lets them in),
 * "must change password at next sign-in" (the next sign-in, in an
 * authorization request, sets a new one first and then completes), the
 * reset-mail button (a real SMTP server receives it), the user's sessions
 * on the user page, and an audit event for each.
 * @module
 */
import assert from "node:assert/strict";
import { linkIn } from "../helpers/mail_server.ts";
import { canSignIn, demoParams, readPage } from "../helpers/oauth.ts";
import {
  CookieJar,
  openForm,
  postForm,
  signInAdmin,
} from "../helpers/test_app.ts";
import { accountWorld, signInToAccount } from "./self_service_fixture.ts";

async function userID(
  w: Awaited<ReturnType<typeof accountWorld>>,
  username: string,
): Promise<string> {
  const users = (await w.api("GET", "/admin/users")).body as unknown as {
    id: string;
    username: string;
  }[];
  return users.find((u) => u.username === username)!.id;
}

async function auditActions(
  w: Awaited<ReturnType<typeof accountWorld>>,
  targetID: string,
): Promise<string[]> {
  const page = await w.api("GET", `/admin/audit?target_id=${targetID}`);
  return (page.body!.events as { action: string }[]).map((e) => e.action);
}

Deno.test("admin lock: a locked account is told so only after the right password; the reason stays with admins; unlock lets them in", async () => {
  const w = await accountWorld();
  try {
    const { t } = w;
    const bob = await userID(w, "bob");
    const jar = new CookieJar();
    await signInToAccount(t, "bob", "bob", jar);
    const locked = await w.api("PATCH", `/admin/users/${bob}`, {
      disabled: true,
      lock_reason: "laptop reported stolen",
    });
    assert.equal(locked.body!.lock_reason, "laptop reported stolen");
    assert.equal(typeof locked.body!.locked_at, "number");
    // Signed out at once.
    const page = await t.fetch("/account", {
      headers: { Accept: "text/html", Cookie: jar.header() },
      redirect: "manual",
    });
    assert.equal(page.status, 303);
    await page.body?.cancel();
    const right = await signInToAccount(t, "bob", "bob");
    assert.equal(right.status, 403);
    const rightHTML = await right.text();
    assert.match(rightHTML, /This account is locked/);
    assert.doesNotMatch(rightHTML, /stolen/);
    const wrong = await signInToAccount(t, "bob", "not bob");
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /username or password is incorrect/);
    assert.equal(await canSignIn(t, "bob", "bob"), false);
    const unlocked = await w.api("PATCH", `/admin/users/${bob}`, {
      disabled: false,
    });
    assert.equal(unlocked.body!.lock_reason, null);
    assert.equal(await canSignIn(t, "bob", "bob"), true);
    const actions = await auditActions(w, bob);
    assert.ok(actions.includes("user.disabled"));
    assert.ok(actions.includes("user.enabled"));
  } finally {
    await w.close();
  }
});

Deno.test("admin must-change-password: the next sign-in in an authorization request sets a new password first, then the flow completes", async () => {
  const w = await accountWorld();
  try {
    const { t } = w;
    const alice = await userID(w, "alice");
    const set = await w.api("PATCH", `/admin/users/${alice}`, {
      must_change_password: true,
    });
    assert.equal(set.body!.must_change_password, true);
    const jar = new CookieJar();
    const { params } = demoParams();
    const start = await t.fetch(
      `/authorize?${new URLSearchParams(params as Record<string, string>)}`,
      { headers: { Accept: "text/html" } },
    );
    jar.capture(start);
    const login = readPage(await start.text());
    const signedIn = await postForm(t, "/authorize", {
      ...login.fields,
      username: "alice",
      password: "alice",
    }, jar);
    assert.equal(signedIn.status, 200);
    assert.equal(jar.get("sid"), undefined, "no session before the change");
    const change = readPage(await signedIn.text());
    assert.equal(change.title, "Choose a new password");
    assert.equal(change.fields._action, "change_password");
    // The same password again is refused; a mismatch too.
    const same = await postForm(t, "/authorize", {
      ...change.fields,
      new_password: "alice",
      confirm_password: "alice",
    }, jar);
    assert.equal(same.status, 400);
    await same.body?.cancel();
    const changed = await postForm(t, "/authorize", {
      ...change.fields,
      new_password: "alice's new secret",
      confirm_password: "alice's new secret",
    }, jar);
    // Signed in now: on to consent (demo-web asks once) and the code.
    assert.ok(jar.get("sid"));
    const consent = readPage(await changed.text());
    assert.equal(consent.title, "Allow access?");
    const allowed = await postForm(t, "/authorize", {
      ...consent.fields,
      decision: "allow",
    }, jar);
    assert.equal(allowed.status, 303);
    assert.ok(
      new URL(allowed.headers.get("Location")!).searchParams.get("code"),
    );
    // The ticket worked once: the flag is cleared and the old form is dead.
    const replay = await postForm(t, "/authorize", {
      ...change.fields,
      new_password: "a third secret here",
      confirm_password: "a third secret here",
    }, jar);
    assert.equal(replay.status, 401);
    await replay.body?.cancel();
    const view = await w.api("GET", `/admin/users/${alice}`);
    assert.equal(view.body!.must_change_password, false);
    assert.equal(await canSignIn(t, "alice", "alice"), false);
    assert.equal(await canSignIn(t, "alice", "alice's new secret"), true);
    assert.ok(
      (await auditActions(w, alice)).includes("account.password_changed"),
    );
  } finally {
    await w.close();
  }
});

Deno.test("admin must-change-password: the account sign-in asks for it too", async () => {
  const w = await accountWorld();
  try {
    const { t } = w;
    const bob = await userID(w, "bob");
    await w.api("PATCH", `/admin/users/${bob}`, { must_change_password: true });
    const jar = new CookieJar();
    const res = await signInToAccount(t, "bob", "bob", jar);
    const html = await res.text();
    assert.match(html, /Choose a new password/);
    const ticket = html.match(/name="ticket" value="([^"]+)"/)![1];
    const csrf = html.match(/name="csrf_token" value="([^"]+)"/)![1];
    const done = await postForm(
      t,
      "/account/login?next=%2Faccount%2Fsessions",
      {
        csrf_token: csrf,
        _action: "change_password",
        ticket,
        new_password: "bob's new secret",
        confirm_password: "bob's new secret",
      },
      jar,
    );
    assert.equal(done.status, 303);
    assert.equal(done.headers.get("Location"), "/account/sessions");
  } finally {
    await w.close();
  }
});

Deno.test("admin reset mail: the user page's button mails a link that sets a new password; the user's sessions show on the page and end there", async () => {
  const w = await accountWorld({ mail: true });
  try {
    const { t } = w;
    const alice = await userID(w, "alice");
    const aliceJar = new CookieJar();
    await signInToAccount(t, "alice", "alice", aliceJar);
    const admin = await signInAdmin(t, w.adminToken);
    const href = `/admin/ui/users/${alice}`;
    const csrf = await openForm(t, href, admin);
    const pageHTML = await (await t.fetch(href, {
      headers: { Accept: "text/html", Cookie: admin.header() },
    })).text();
    assert.match(pageHTML, /Sessions \(1\)/);
    assert.match(pageHTML, /Send password reset mail/);
    const sent = await postForm(t, href, {
      csrf_token: csrf,
      _action: "reset_mail",
    }, admin);
    assert.equal(sent.status, 303);
    assert.match(sent.headers.get("Location")!, /notice=user\.reset_mail/);
    const mail = await w.mail!.next();
    assert.deepEqual(mail.to, ["alice@example.com"]);
    const link = new URL(linkIn(mail, `${t.base}/account/reset?token=`));
    const jar = new CookieJar();
    const resetCSRF = await openForm(t, `${link.pathname}${link.search}`, jar);
    const reset = await postForm(t, "/account/reset", {
      csrf_token: resetCSRF,
      token: link.searchParams.get("token")!,
      new_password: "set by a mailed link",
      confirm_password: "set by a mailed link",
    }, jar);
    assert.equal(reset.status, 303);
    assert.equal(await canSignIn(t, "alice", "set by a mailed link"), true);
    // The reset ended alice's session everywhere.
    const after = await t.fetch("/account", {
      headers: { Accept: "text/html", Cookie: aliceJar.header() },
      redirect: "manual",
    });
    assert.equal(after.status, 303);
    await after.body?.cancel();
    // A session ended from the user page.
    const bob = await userID(w, "bob");
    const bobJar = new CookieJar();
    await signInToAccount(t, "bob", "bob", bobJar);
    const bobPage = await (await t.fetch(`/admin/ui/users/${bob}`, {
      headers: { Accept: "text/html", Cookie: admin.header() },
    })).text();
    const sessionID = bobPage.match(/name="session_id" value="([^"]+)"/)![1];
    const ended = await postForm(t, `/admin/ui/users/${bob}`, {
      csrf_token: csrf,
      _action: "end_session",
      session_id: sessionID,
      confirm: "yes",
    }, admin);
    assert.equal(ended.status, 303);
    const bobAfter = await t.fetch("/account", {
      headers: { Accept: "text/html", Cookie: bobJar.header() },
      redirect: "manual",
    });
    assert.equal(bobAfter.status, 303);
    await bobAfter.body?.cancel();
    const actions = await auditActions(w, alice);
    assert.ok(actions.includes("user.reset_mail_sent"));
    assert.ok(actions.includes("account.password_reset"));
  } finally {
    await w.close();
  }
});

Deno.test("admin reset mail: without mail, or without an address, the API says why (409)", async () => {
  const w = await accountWorld();
  try {
    const alice = await userID(w, "alice");
    const off = await w.api("POST", `/admin/users/${alice}/reset_mail`);
    assert.equal(off.status, 409);
    assert.match(String(off.body!.error_description), /SMTP_URL/);
    assert.equal(
      (await w.api("POST", "/admin/users/nobody/reset_mail")).status,
      404,
    );
  } finally {
    await w.close();
  }
});

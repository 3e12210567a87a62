/**
 * /account as its owner uses it: the profile edits only the claims the
 * admin allows (and the claims reach userinfo), a password change needs
 * the current password (or a sign-in moments ago) and signs the other
 * sessions out, a session ended on the sessions page no longer works, and
 * an app removed on the apps page loses its tokens (introspection says
 * inactive). Each change is audited and, with mail, told by mail.
 * @module
 */
import assert from "node:assert/strict";
import { BUDGETS } from "../../lib/security/rate_limit.ts";
import { demoParams, demoTokens, runAuthorize } from "../helpers/oauth.ts";
import { CookieJar } from "../helpers/test_app.ts";
import {
  accountWorld,
  signInToAccount,
  submit,
} from "./self_service_fixture.ts";
import type { TestApp } from "../helpers/test_app.ts";

async function page(
  t: TestApp,
  path: string,
  jar: CookieJar,
): Promise<Response> {
  return await t.fetch(path, {
    headers: { Accept: "text/html", Cookie: jar.header() },
    redirect: "manual",
  });
}

async function introspect(t: TestApp, token: string): Promise<boolean> {
  const res = await t.fetch("/introspect", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token, client_id: "demo-web" }),
  });
  return (await res.json()).active;
}

async function userinfo(
  t: TestApp,
  token: string,
): Promise<Record<string, unknown>> {
  const res = await t.fetch("/userinfo", {
    headers: { Authorization: `Bearer ${token}` },
  });
  return await res.json();
}

Deno.test("account: without a session every page leads to the account sign-in and back", async () => {
  const w = await accountWorld();
  try {
    for (
      const path of [
        "/account",
        "/account/password",
        "/account/sessions",
        "/account/apps",
      ]
    ) {
      const res = await page(w.t, path, new CookieJar());
      assert.equal(res.status, 303, path);
      assert.equal(
        res.headers.get("Location"),
        `/account/login?next=${encodeURIComponent(path)}`,
      );
    }
    const jar = new CookieJar();
    const res = await signInToAccount(w.t, "alice", "alice", jar);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), "/account");
    const wrong = await signInToAccount(w.t, "alice", "nope", new CookieJar());
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /The username or password is incorrect/);
    // An outside target is never followed.
    const csrfJar = new CookieJar();
    const evil = await submit(
      w.t,
      "/account/login?next=https://evil.example/",
      {
        _action: "login",
        username: "alice",
        password: "alice",
      },
      csrfJar,
      { action: "/account/login?next=https://evil.example/" },
    );
    assert.equal(evil.headers.get("Location"), "/account");
  } finally {
    await w.close();
  }
});

Deno.test("account profile: only the claims the admin allows change; the new values reach userinfo; an email change is unverified and told to the old address", async () => {
  const w = await accountWorld({ mail: true });
  try {
    const { t } = w;
    // The admin lets people edit their nickname and email only.
    const set = await w.api("PATCH", "/admin/account_settings", {
      editable_claims: ["nickname", "email"],
    });
    assert.deepEqual(set.body!.editable_claims, ["nickname", "email"]);
    assert.equal(
      (await w.api("PATCH", "/admin/account_settings", {
        editable_claims: ["sub"],
      })).status,
      400,
    );
    // alice's address is verified (the admin did it), so she gets notices.
    const users = (await w.api("GET", "/admin/users")).body as unknown as {
      id: string;
      username: string;
    }[];
    const alice = users.find((u) => u.username === "alice")!;
    await w.api("PATCH", `/admin/users/${alice.id}`, { email_verified: true });

    const jar = new CookieJar();
    await signInToAccount(t, "alice", "alice", jar);
    const form = await (await page(t, "/account", jar)).text();
    assert.match(form, /name="claim\.nickname"/);
    assert.doesNotMatch(form, /name="claim\.name"/);
    const saved = await submit(t, "/account", {
      _action: "profile",
      "claim.nickname": "Ally",
      // Not allowed: ignored, whatever the form says.
      "claim.name": "Mallory",
      "claim.email_verified": "true",
      "claim.email": "alice.new@example.com",
    }, jar);
    assert.equal(saved.status, 303);
    assert.equal(
      saved.headers.get("Location"),
      "/account?notice=profile.verify",
    );

    const tokens = await demoTokens(t);
    const info = await userinfo(t, tokens.access_token as string);
    assert.equal(info.nickname, "Ally");
    assert.equal(info.name, "Alice Liddell");
    assert.equal(info.email, "alice.new@example.com");
    assert.equal(info.email_verified, false);

    // The old address hears of the change, the new one gets its link.
    await t.deps.mail.idle();
    const mails = w.mail!.mails.map((m) => `${m.to.join(",")}: ${m.subject}`)
      .sort();
    assert.deepEqual(mails, [
      "alice.new@example.com: Confirm your email address",
      "alice@example.com: Your account: Your email address was changed",
    ]);
    const audit = await w.api(
      "GET",
      `/admin/audit?action=account.profile_updated&target_id=${alice.id}`,
    );
    const detail =
      (audit.body!.events as { detail: { changed: string[] } }[])[0].detail;
    assert.deepEqual(detail.changed, ["nickname", "email"]);
    // A value too long is refused on the page, nothing saved.
    const long = await submit(t, "/account", {
      _action: "profile",
      "claim.nickname": "x".repeat(2001),
    }, jar);
    assert.equal(long.status, 400);
    assert.match(await long.text(), /at most 2000 characters/);
  } finally {
    await w.close();
  }
});

Deno.test("account password: the current password is needed (budgeted), the change signs other sessions out and only the new password works", async () => {
  const w = await accountWorld();
  try {
    const { t } = w;
    const other = new CookieJar();
    await signInToAccount(t, "alice", "alice", other);
    const otherTokens = await demoTokens(t, {}, { jar: other });
    const jar = new CookieJar();
    await signInToAccount(t, "alice", "alice", jar);
    // Minutes later the current password is asked for.
    t.advance(600);
    const form = await (await page(t, "/account/password", jar)).text();
    assert.match(form, /name="current_password"/);
    const wrong = await submit(t, "/account/password", {
      _action: "password",
      current_password: "not it",
      new_password: "a new long secret",
      confirm_password: "a new long secret",
    }, jar);
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /That is not your current password/);
    const weak = await submit(t, "/account/password", {
      _action: "password",
      current_password: "alice",
      new_password: "short",
      confirm_password: "short",
    }, jar);
    assert.equal(weak.status, 400);
    await weak.body?.cancel();
    const changed = await submit(t, "/account/password", {
      _action: "password",
      current_password: "alice",
      new_password: "a new long secret",
      confirm_password: "a new long secret",
    }, jar);
    assert.equal(changed.status, 303);
    assert.equal(
      changed.headers.get("Location"),
      "/account/password?notice=password.changed",
    );
    // This session stays, the other is gone and its tokens are revoked.
    assert.equal((await page(t, "/account", jar)).status, 200);
    assert.equal((await page(t, "/account", other)).status, 303);
    assert.equal(
      await introspect(t, otherTokens.access_token as string),
      false,
    );
    const flow = await runAuthorize(t, demoParams().params, {
      username: "alice",
      password: "alice",
    });
    assert.equal(flow.location?.searchParams.get("code") ?? null, null);
    const flow2 = await runAuthorize(t, demoParams().params, {
      username: "alice",
      password: "a new long secret",
    });
    assert.ok(flow2.location?.searchParams.get("code"));
  } finally {
    await w.close();
  }
});

Deno.test("account password: guesses at the current password are stopped by the sign-in budget", async () => {
  const w = await accountWorld();
  try {
    const { t } = w;
    const jar = new CookieJar();
    await signInToAccount(t, "bob", "bob", jar);
    t.advance(600);
    const statuses: number[] = [];
    for (let i = 0; i < BUDGETS.loginPerAccountIP.limit + 1; i++) {
      const res = await submit(t, "/account/password", {
        _action: "password",
        current_password: `guess ${i}`,
        new_password: "a new long secret",
        confirm_password: "a new long secret",
      }, jar);
      statuses.push(res.status);
      await res.body?.cancel();
    }
    assert.deepEqual(statuses, [
      ...Array(BUDGETS.loginPerAccountIP.limit).fill(401),
      429,
    ]);
  } finally {
    await w.close();
  }
});

Deno.test("account sessions: listed with device, address and last seen; an ended session no longer works and its tokens are revoked", async () => {
  const w = await accountWorld();
  try {
    const { t } = w;
    const laptop = new CookieJar();
    const firefox =
      "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";
    const csrf = await (async () => {
      const res = await t.fetch("/account/login", {
        headers: { Accept: "text/html", "User-Agent": firefox },
      });
      laptop.capture(res);
      return (await res.text()).match(/name="csrf_token" value="([^"]+)"/)![1];
    })();
    const signedIn = await t.fetch("/account/login", {
      method: "POST",
      headers: {
        Cookie: laptop.header(),
        Origin: t.base,
        "User-Agent": firefox,
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        csrf_token: csrf,
        _action: "login",
        username: "alice",
        password: "alice",
      }),
      redirect: "manual",
    });
    laptop.capture(signedIn);
    const laptopTokens = await demoTokens(t, {}, { jar: laptop });
    const phone = new CookieJar();
    await signInToAccount(t, "alice", "alice", phone);
    const html = await (await page(t, "/account/sessions", phone)).text();
    assert.match(html, /Firefox on Linux/);
    assert.match(html, /this browser/);
    const ids = [...html.matchAll(/name="session_id" value="([^"]+)"/g)].map((
      m,
    ) => m[1]);
    assert.equal(
      ids.length,
      1,
      "the other session has a sign-out button, this one not",
    );
    const ended = await submit(t, "/account/sessions", {
      _action: "end_session",
      session_id: ids[0],
    }, phone);
    assert.equal(ended.status, 303);
    assert.equal((await page(t, "/account", laptop)).status, 303);
    assert.equal(
      await introspect(t, laptopTokens.access_token as string),
      false,
    );
    assert.equal((await page(t, "/account", phone)).status, 200);
    // Another user's session cannot be ended from here.
    const bob = new CookieJar();
    await signInToAccount(t, "bob", "bob", bob);
    const bobIDs = (await w.api("GET", "/admin/sessions")).body as unknown as {
      id: string;
      username: string;
    }[];
    const bobSession = bobIDs.find((s) => s.username === "bob")!.id;
    const foreign = await submit(t, "/account/sessions", {
      _action: "end_session",
      session_id: bobSession,
    }, phone);
    assert.equal(foreign.status, 404);
    await foreign.body?.cancel();
    assert.equal((await page(t, "/account", bob)).status, 200);
    const audit = await w.api(
      "GET",
      "/admin/audit?action=account.session_ended",
    );
    assert.equal((audit.body!.events as unknown[]).length, 1);
  } finally {
    await w.close();
  }
});

Deno.test("account apps: removing an app's access deletes the consent and its tokens no longer introspect", async () => {
  const w = await accountWorld();
  try {
    const { t } = w;
    const tokens = await demoTokens(t);
    assert.equal(await introspect(t, tokens.access_token as string), true);
    const jar = new CookieJar();
    await signInToAccount(t, "alice", "alice", jar);
    const html = await (await page(t, "/account/apps", jar)).text();
    assert.match(html, /Demo Web|demo-web/i);
    const removed = await submit(t, "/account/apps", {
      _action: "revoke_app",
      client_id: "demo-web",
    }, jar);
    assert.equal(removed.status, 303);
    assert.equal(await introspect(t, tokens.access_token as string), false);
    const refresh = await t.fetch("/token", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        client_id: "demo-web",
        refresh_token: tokens.refresh_token as string,
      }),
    });
    assert.equal(refresh.status, 400);
    await refresh.body?.cancel();
    assert.doesNotMatch(
      await (await page(t, "/account/apps", jar)).text(),
      /name="client_id" value="demo-web"/,
    );
    const again = await submit(t, "/account/apps", {
      _action: "revoke_app",
      client_id: "demo-web",
    }, jar);
    assert.equal(again.status, 404);
    await again.body?.cancel();
  } finally {
    await w.close();
  }
});

/**
 * Self-registration as REGISTRATION sets it: off (nothing offered, prompt=
 * create refused and not in discovery), open (an account in one form; with
 * mail, no sign-in until the mailed link is opened), invite (only with an
 * admin's invitation, which makes one account). prompt=create lands on the
 * registration form, and the new account completes the code flow in
 * openid-client.
 * @module
 */
import assert from "node:assert/strict";
import * as client from "openid-client";
import { BUDGETS } from "../../lib/security/rate_limit.ts";
import { linkIn } from "../helpers/mail_server.ts";
import { canSignIn, demoParams, readPage } from "../helpers/oauth.ts";
import { CookieJar, openForm, postForm } from "../helpers/test_app.ts";
import { registerRP, RP_CALLBACK } from "../clients/rp_fixture.ts";
import { accountWorld, submit } from "./self_service_fixture.ts";

const NEW = {
  username: "carol",
  email: "carol@example.com",
  password: "carol's long secret",
};

async function discovered(
  t: { fetch(p: string): Promise<Response> },
): Promise<string[]> {
  const res = await t.fetch("/.well-known/openid-configuration");
  return (await res.json()).prompt_values_supported;
}

Deno.test("registration off: no link, no form, prompt=create is invalid_request and not in discovery", async () => {
  const w = await accountWorld();
  try {
    const { t } = w;
    assert.ok(!(await discovered(t)).includes("create"));
    const page = await t.fetch("/account/register", {
      headers: { Accept: "text/html" },
    });
    assert.equal(page.status, 404);
    assert.match(await page.text(), /does not let people create accounts/);
    const login = await t.fetch("/account/login", {
      headers: { Accept: "text/html" },
    });
    assert.doesNotMatch(await login.text(), /Create an account/);
    const { params } = demoParams({ prompt: "create" });
    const res = await t.fetch(
      `/authorize?${new URLSearchParams(params as Record<string, string>)}`,
      {
        redirect: "manual",
      },
    );
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get("Location")!);
    assert.equal(location.searchParams.get("error"), "invalid_request");
    assert.equal(
      location.searchParams.get("error_description"),
      "prompt value create is not supported",
    );
    // A registration post inside the flow creates nothing.
    const jar = new CookieJar();
    const signIn = await t.fetch(
      `/authorize?${new URLSearchParams(
        demoParams().params as Record<string, string>,
      )}`,
      {
        headers: { Accept: "text/html" },
      },
    );
    jar.capture(signIn);
    const fields = readPage(await signIn.text()).fields;
    const posted = await postForm(t, "/authorize", {
      ...fields,
      _action: "register",
      ...NEW,
    }, jar);
    assert.equal(posted.status, 404);
    await posted.body?.cancel();
    assert.equal(await canSignIn(t, NEW.username, NEW.password), false);
  } finally {
    await w.close();
  }
});

Deno.test("registration open without mail: the account signs in at once, its email unverified", async () => {
  const w = await accountWorld({ env: { REGISTRATION: "open" } });
  try {
    const { t } = w;
    assert.ok((await discovered(t)).includes("create"));
    const jar = new CookieJar();
    const res = await submit(t, "/account/register", NEW, jar);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), "/account?notice=welcome");
    const account = await t.fetch("/account?notice=welcome", {
      headers: { Accept: "text/html", Cookie: jar.header() },
    });
    const html = await account.text();
    assert.match(html, /Your account is ready/);
    assert.match(html, /Signed in as <strong>carol<\/strong>/);
    assert.match(html, /not confirmed/);
    assert.equal(await canSignIn(t, NEW.username, NEW.password), true);
    // The same name again (any case) is taken.
    const again = await submit(t, "/account/register", {
      ...NEW,
      username: "Carol",
    }, new CookieJar());
    assert.equal(again.status, 409);
    assert.match(await again.text(), /That username is taken/);
    const audit = await w.api("GET", "/admin/audit?action=account.registered");
    assert.equal((audit.body!.events as unknown[]).length, 1);
  } finally {
    await w.close();
  }
});

Deno.test("registration open with mail: no sign-in until the mailed link is opened; then email_verified is true", async () => {
  const w = await accountWorld({ mail: true, env: { REGISTRATION: "open" } });
  try {
    const { t } = w;
    const res = await submit(t, "/account/register", NEW, new CookieJar());
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Check your mail/);
    const mail = await w.mail!.next();
    assert.deepEqual(mail.to, [NEW.email]);
    assert.equal(mail.subject, "Confirm your email address");
    // Before the link: the right password meets "confirm your address first".
    const early = await submit(t, "/account/login", {
      _action: "login",
      username: NEW.username,
      password: NEW.password,
    }, new CookieJar());
    assert.equal(early.status, 403);
    assert.match(await early.text(), /We sent a link to c•••@example\.com/);
    assert.equal(await canSignIn(t, NEW.username, NEW.password), false);
    // The link's page asks for a click; the click confirms.
    const link = linkIn(mail, `${t.base}/account/verify?token=`);
    const jar = new CookieJar();
    const csrf = await openForm(t, link, jar);
    const confirmed = await postForm(t, "/account/verify", {
      csrf_token: csrf,
      token: new URL(link).searchParams.get("token")!,
    }, jar);
    assert.equal(confirmed.status, 200);
    assert.match(await confirmed.text(), /Email address confirmed/);
    assert.equal(await canSignIn(t, NEW.username, NEW.password), true);
    const users = (await w.api("GET", "/admin/users")).body as unknown as {
      username: string;
      email_verified: boolean;
      verify_before_sign_in: boolean;
    }[];
    const carol = users.find((u) => u.username === "carol")!;
    assert.equal(carol.email_verified, true);
    assert.equal(carol.verify_before_sign_in, false);
    // The link worked once.
    const twice = await postForm(t, "/account/verify", {
      csrf_token: csrf,
      token: new URL(link).searchParams.get("token")!,
    }, jar);
    assert.equal(twice.status, 410);
    await twice.body?.cancel();
  } finally {
    await w.close();
  }
});

Deno.test("registration invite: only with an admin's invitation, which makes one account even when posted twice at once", async () => {
  const w = await accountWorld({ env: { REGISTRATION: "invite" } });
  try {
    const { t } = w;
    const none = await submit(t, "/account/register", NEW, new CookieJar());
    assert.equal(none.status, 403);
    assert.match(await none.text(), /This invitation is not valid/);
    const issued = await w.api("POST", "/admin/invites", {});
    assert.equal(issued.status, 201);
    const url = new URL(issued.body!.url as string);
    assert.equal(url.pathname, "/account/register");
    const invite = url.searchParams.get("invite")!;
    const listed = await w.api("GET", "/admin/invites");
    assert.equal((listed.body as unknown as unknown[]).length, 1);
    assert.ok(!JSON.stringify(listed.body).includes(invite));
    // The invitation's page carries it; two posts at once make one account.
    const jars = [new CookieJar(), new CookieJar()];
    const csrfs = await Promise.all(
      jars.map((jar) => openForm(t, `/account/register?invite=${invite}`, jar)),
    );
    const answers = await Promise.all(
      jars.map((jar, i) =>
        postForm(t, "/account/register", {
          csrf_token: csrfs[i],
          invite,
          ...NEW,
          username: `dave${i}`,
        }, jar)
      ),
    );
    const statuses = answers.map((r) => r.status).sort();
    for (const r of answers) await r.body?.cancel();
    assert.deepEqual(statuses, [303, 403]);
    const madeOne = [
      await canSignIn(t, "dave0", NEW.password),
      await canSignIn(t, "dave1", NEW.password),
    ];
    assert.deepEqual(madeOne.filter(Boolean).length, 1);
    // Used: it is listed no more, and a third try is refused.
    assert.deepEqual((await w.api("GET", "/admin/invites")).body, []);
    const third = await submit(
      t,
      `/account/register?invite=${invite}`,
      {
        invite,
        ...NEW,
      },
      new CookieJar(),
      { action: "/account/register" },
    );
    assert.equal(third.status, 403);
    await third.body?.cancel();
    // A withdrawn invitation stops working.
    const other = await w.api("POST", "/admin/invites", {
      email: "erin@example.com",
    });
    assert.equal(other.body!.mailed, false);
    assert.equal(
      (await w.api("DELETE", `/admin/invites/${other.body!.id}`)).status,
      204,
    );
    const withdrawn = await submit(t, "/account/register", {
      invite: new URL(other.body!.url as string).searchParams.get("invite")!,
      ...NEW,
      email: "erin@example.com",
    }, new CookieJar());
    assert.equal(withdrawn.status, 403);
    await withdrawn.body?.cancel();
  } finally {
    await w.close();
  }
});

Deno.test("registration: an invitation bound to an address registers only that address; invites need REGISTRATION=invite", async () => {
  const w = await accountWorld({ env: { REGISTRATION: "invite" } });
  try {
    const { t } = w;
    const issued = await w.api("POST", "/admin/invites", {
      email: "frank@example.com",
    });
    const invite = new URL(issued.body!.url as string).searchParams.get(
      "invite",
    )!;
    const page = await t.fetch(`/account/register?invite=${invite}`, {
      headers: { Accept: "text/html" },
    });
    assert.match(await page.text(), /value="frank@example.com"[^>]*readonly/);
    const wrong = await submit(
      t,
      "/account/register",
      { invite, ...NEW },
      new CookieJar(),
    );
    assert.equal(wrong.status, 400);
    assert.match(await wrong.text(), /This invitation is for another address/);
    const right = await submit(t, "/account/register", {
      invite,
      ...NEW,
      email: "frank@example.com",
    }, new CookieJar());
    assert.equal(right.status, 303);
    await right.body?.cancel();
  } finally {
    await w.close();
  }
  const open = await accountWorld({ env: { REGISTRATION: "open" } });
  try {
    const refused = await open.api("POST", "/admin/invites", {});
    assert.equal(refused.status, 409);
    assert.match(
      String(refused.body!.error_description),
      /REGISTRATION=invite/,
    );
  } finally {
    await open.close();
  }
});

Deno.test("registration: attempts from one address are budgeted (429 with Retry-After past it)", async () => {
  const w = await accountWorld({ env: { REGISTRATION: "open" } });
  try {
    const { t } = w;
    const jar = new CookieJar();
    const csrf = await openForm(t, "/account/register", jar);
    const statuses: number[] = [];
    for (let i = 0; i < BUDGETS.accountRegistrationPerIP.limit + 1; i++) {
      const res = await postForm(t, "/account/register", {
        csrf_token: csrf,
        username: `u${i}`,
        email: "",
        password: "short",
      }, jar);
      statuses.push(res.status);
      if (res.status === 429) assert.ok(res.headers.get("Retry-After"));
      await res.body?.cancel();
    }
    assert.deepEqual(statuses, [
      ...Array(BUDGETS.accountRegistrationPerIP.limit).fill(400),
      429,
    ]);
  } finally {
    await w.close();
  }
});

Deno.test("prompt=create: openid-client's request lands on the registration form and the new account completes the code flow", async () => {
  const w = await accountWorld({ env: { REGISTRATION: "open" }, listen: true });
  try {
    const { t } = w;
    const rp = await registerRP(t, {
      client_id: "rp-create",
      token_endpoint_auth_method: "none",
    });
    const config = await client.discovery(
      new URL(t.base),
      rp.clientID,
      undefined,
      client.None(),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    assert.ok(
      (config.serverMetadata().prompt_values_supported as string[]).includes(
        "create",
      ),
    );
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: RP_CALLBACK,
      scope: "openid profile email",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      nonce,
      state,
      prompt: "create",
    });
    const jar = new CookieJar();
    const first = await t.fetch(`${url.pathname}${url.search}`, {
      headers: { Accept: "text/html" },
    });
    jar.capture(first);
    const form = readPage(await first.text());
    assert.equal(form.title, "Create an account");
    assert.equal(form.fields._action, "register");
    assert.ok(!("prompt" in form.fields), "create is not carried on");
    const created = await postForm(
      t,
      "/authorize",
      { ...form.fields, ...NEW },
      jar,
    );
    const consent = readPage(await created.text());
    assert.equal(consent.title, "Allow access?");
    const allowed = await postForm(t, "/authorize", {
      ...consent.fields,
      decision: "allow",
    }, jar);
    assert.equal(allowed.status, 303);
    const callback = new URL(allowed.headers.get("Location")!);
    assert.equal(`${callback.origin}${callback.pathname}`, RP_CALLBACK);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    const info = await client.fetchUserInfo(
      config,
      tokens.access_token,
      claims.sub,
    );
    assert.equal(info.preferred_username, "carol");
    assert.equal(info.email, NEW.email);
    assert.equal(info.email_verified, false);
  } finally {
    await w.close();
  }
});

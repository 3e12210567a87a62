import assert from "node:assert/strict";
import { upsertPolicyForTest } from "../helpers/policy.ts";
import {
  DEMO_REDIRECT,
  demoParams,
  readPage,
  runAuthorize,
  seedDemo,
  tokenRequest,
} from "../helpers/oauth.ts";
import { addClient } from "../helpers/clients.ts";
import {
  completeSetupFor,
  CookieJar,
  postForm,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";

async function withApp(fn: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await startTestApp();
  try {
    await completeSetupFor(t);
    await seedDemo(t);
    await fn(t);
  } finally {
    await t.close();
  }
}

async function getAuthorize(
  t: TestApp,
  params: Record<string, string>,
  jar = new CookieJar(),
): Promise<Response> {
  const res = await t.fetch(`/authorize?${new URLSearchParams(params)}`, {
    headers: { Accept: "text/html", Cookie: jar.header() },
    redirect: "manual",
  });
  jar.capture(res);
  return res;
}

function errorOf(res: Response): Record<string, string | null> {
  const loc = new URL(res.headers.get("Location")!);
  return {
    origin: loc.origin + loc.pathname,
    error: loc.searchParams.get("error"),
    state: loc.searchParams.get("state"),
    iss: loc.searchParams.get("iss"),
  };
}

Deno.test("authorize: seed flow shows sign-in, then consent, then redirects with code, state and iss", async () => {
  await withApp(async (t) => {
    const { params } = demoParams();
    const flow = await runAuthorize(t, params);
    assert.deepEqual(flow.pages, ["Sign in", "Allow access?"]);
    assert.equal(flow.response.status, 303);
    assert.equal(
      flow.location!.origin + flow.location!.pathname,
      DEMO_REDIRECT,
    );
    assert.match(flow.location!.searchParams.get("code")!, /^[\w-]{43}$/);
    assert.equal(flow.location!.searchParams.get("state"), "state-123");
    // RFC 9207: iss in every authorization response.
    assert.equal(flow.location!.searchParams.get("iss"), t.base);
  });
});

Deno.test("authorize: the consent page lists each scope's description from the database", async () => {
  await withApp(async (t) => {
    const { params } = demoParams();
    const jar = new CookieJar();
    const login = await getAuthorize(t, params as Record<string, string>, jar);
    const form = readPage(await login.text()).fields;
    const consent = await postForm(t, "/authorize", {
      ...form,
      username: "alice",
      password: "alice",
    }, jar);
    const html = await consent.text();
    assert.equal(consent.status, 200);
    assert.match(html, /Demo Web App/);
    assert.match(html, /See your email address/);
    assert.match(html, /Stay signed in and act for you while you are away/);
  });
});

Deno.test("authorize: unknown client is shown an error page, never redirected", async () => {
  await withApp(async (t) => {
    const { params } = demoParams({ client_id: "nope" });
    const res = await getAuthorize(t, params as Record<string, string>);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("Location"), null);
    assert.match(await res.text(), /not a registered client/);
  });
});

Deno.test("authorize: redirect URI near-misses are refused on a page", async () => {
  await withApp(async (t) => {
    for (
      const uri of [
        "http://localhost:3000/callback/",
        "http://LOCALHOST:3000/callback",
        "http://localhost:3000/Callback",
        "http://localhost:3000/callback?x=1",
        "http://localhost:3001/callback",
        "https://localhost:3000/callback",
        "http://localhost:3000/callback#frag",
      ]
    ) {
      const { params } = demoParams({ redirect_uri: uri });
      const res = await getAuthorize(t, params as Record<string, string>);
      assert.equal(res.status, 400, uri);
      assert.equal(res.headers.get("Location"), null, uri);
      await res.body?.cancel();
    }
  });
});

Deno.test("authorize: response_type errors go back to the client with state and iss", async () => {
  await withApp(async (t) => {
    const { params } = demoParams({ response_type: "token" });
    const res = await getAuthorize(t, params as Record<string, string>);
    assert.equal(res.status, 302);
    assert.deepEqual(errorOf(res), {
      origin: DEMO_REDIRECT,
      error: "unsupported_response_type",
      state: "state-123",
      iss: t.base,
    });
    const { params: p2 } = demoParams();
    delete p2.response_type;
    assert.equal(
      errorOf(await getAuthorize(t, p2 as Record<string, string>)).error,
      "invalid_request",
    );
  });
});

Deno.test("authorize: a scope outside the client's policy is invalid_scope", async () => {
  await withApp(async (t) => {
    const { params } = demoParams({ scope: "openid files.read" });
    const res = await getAuthorize(t, params as Record<string, string>);
    assert.equal(errorOf(res).error, "invalid_scope");
  });
});

Deno.test("authorize: PKCE plain is refused, and a missing challenge when required", async () => {
  await withApp(async (t) => {
    const { params } = demoParams({ code_challenge_method: "plain" });
    assert.equal(
      errorOf(await getAuthorize(t, params as Record<string, string>)).error,
      "invalid_request",
    );
    const { params: p2 } = demoParams();
    delete p2.code_challenge;
    delete p2.code_challenge_method;
    assert.equal(
      errorOf(await getAuthorize(t, p2 as Record<string, string>)).error,
      "invalid_request",
    );
  });
});

Deno.test("authorize: code_challenge_method without code_challenge answers HTTP 400 (seed rule)", async () => {
  await withApp(async (t) => {
    const { params } = demoParams();
    params.code_challenge = "";
    const res = await getAuthorize(t, params as Record<string, string>);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("Location"), null);
    assert.match(await res.text(), /code_challenge must be provided/);
  });
});

Deno.test("authorize: repeated parameters are invalid_request", async () => {
  await withApp(async (t) => {
    const { params } = demoParams();
    const q = new URLSearchParams(params as Record<string, string>);
    q.append("scope", "openid");
    const res = await t.fetch(`/authorize?${q}`, { redirect: "manual" });
    assert.equal(errorOf(res).error, "invalid_request");
  });
});

Deno.test("authorize: deny on the consent page is access_denied", async () => {
  await withApp(async (t) => {
    const { params } = demoParams();
    const flow = await runAuthorize(t, params, { decision: "deny" });
    assert.equal(flow.location!.searchParams.get("error"), "access_denied");
    assert.equal(flow.location!.searchParams.get("state"), "state-123");
    assert.equal(flow.location!.searchParams.get("code"), null);
  });
});

Deno.test("authorize: wrong password says so without telling which part was wrong", async () => {
  await withApp(async (t) => {
    for (
      const [username, password] of [["alice", "nope"], ["nobody", "alice"]]
    ) {
      const { params } = demoParams();
      const flow = await runAuthorize(t, params, { username, password });
      assert.equal(flow.response.status, 401);
      const html = await flow.response.text();
      assert.match(html, /The username or password is incorrect/);
    }
  });
});

Deno.test("authorize: the sign-in form refuses a post without the CSRF token", async () => {
  await withApp(async (t) => {
    const { params } = demoParams();
    const jar = new CookieJar();
    const page = await getAuthorize(t, params as Record<string, string>, jar);
    const fields = readPage(await page.text()).fields;
    delete fields.csrf_token;
    const res = await postForm(t, "/authorize", {
      ...fields,
      username: "alice",
      password: "alice",
    }, jar);
    assert.equal(res.status, 403);
    assert.equal(jar.get("sid"), undefined);
  });
});

Deno.test("authorize: signing in issues a new session id (no fixation)", async () => {
  await withApp(async (t) => {
    const jar = new CookieJar();
    const first = await runAuthorize(t, demoParams().params, { jar });
    const sid1 = jar.get("sid");
    assert.ok(sid1);
    await runAuthorize(t, demoParams({ prompt: "login" }).params, { jar });
    const sid2 = jar.get("sid");
    assert.ok(sid2);
    assert.notEqual(sid1, sid2);
    assert.equal(first.response.status, 303);
  });
});

Deno.test("authorize: consent policy once remembers, and asks again for a new scope", async () => {
  await withApp(async (t) => {
    const jar = new CookieJar();
    const first = await runAuthorize(
      t,
      demoParams({ scope: "openid profile" }).params,
      { jar },
    );
    assert.deepEqual(first.pages, ["Sign in", "Allow access?"]);
    const second = await runAuthorize(
      t,
      demoParams({ scope: "openid profile" }).params,
      { jar },
    );
    assert.deepEqual(second.pages, []);
    assert.ok(second.location!.searchParams.get("code"));
    const third = await runAuthorize(
      t,
      demoParams({ scope: "openid email" }).params,
      { jar },
    );
    assert.deepEqual(third.pages, ["Allow access?"]);
  });
});

Deno.test("authorize: consent policy always asks every time; skip never asks", async () => {
  await withApp(async (t) => {
    await upsertPolicyForTest(t, "demo-web", { consent_policy: "always" });
    const jar = new CookieJar();
    await runAuthorize(t, demoParams().params, { jar });
    const again = await runAuthorize(t, demoParams().params, { jar });
    assert.deepEqual(again.pages, ["Allow access?"]);
    await upsertPolicyForTest(t, "demo-web", { consent_policy: "skip" });
    const bobJar = new CookieJar();
    const bob = await runAuthorize(t, demoParams().params, {
      jar: bobJar,
      username: "bob",
      password: "bob",
    });
    assert.deepEqual(bob.pages, ["Sign in"]);
    assert.ok(bob.location!.searchParams.get("code"));
  });
});

Deno.test("authorize: prompt=none answers login_required, then consent_required, then a code", async () => {
  await withApp(async (t) => {
    const jar = new CookieJar();
    const none1 = await getAuthorize(
      t,
      demoParams({ prompt: "none" }).params as Record<string, string>,
      jar,
    );
    assert.equal(errorOf(none1).error, "login_required");
    // Sign in but deny, so there is a session without consent.
    await runAuthorize(t, demoParams().params, { jar, decision: "deny" });
    const none2 = await getAuthorize(
      t,
      demoParams({ prompt: "none" }).params as Record<string, string>,
      jar,
    );
    assert.equal(errorOf(none2).error, "consent_required");
    await runAuthorize(t, demoParams().params, { jar });
    const none3 = await getAuthorize(
      t,
      demoParams({ prompt: "none" }).params as Record<string, string>,
      jar,
    );
    assert.ok(new URL(none3.headers.get("Location")!).searchParams.get("code"));
  });
});

Deno.test("authorize: prompt=login and an exceeded max_age ask to sign in again", async () => {
  await withApp(async (t) => {
    const jar = new CookieJar();
    await runAuthorize(t, demoParams().params, { jar });
    const login = await runAuthorize(
      t,
      demoParams({ prompt: "login" }).params,
      { jar },
    );
    assert.deepEqual(login.pages, ["Sign in"]);
    assert.ok(login.location!.searchParams.get("code"));
    t.advance(120);
    const fresh = await runAuthorize(t, demoParams({ max_age: "300" }).params, {
      jar,
    });
    assert.deepEqual(fresh.pages, []);
    const stale = await runAuthorize(t, demoParams({ max_age: "60" }).params, {
      jar,
    });
    assert.deepEqual(stale.pages, ["Sign in"]);
    assert.ok(stale.location!.searchParams.get("code"));
  });
});

Deno.test("authorize: max_age=0 with consent does not loop back to sign-in", async () => {
  await withApp(async (t) => {
    const flow = await runAuthorize(
      t,
      demoParams({ max_age: "0", prompt: "login consent" }).params,
    );
    assert.deepEqual(flow.pages, ["Sign in", "Allow access?"]);
    assert.ok(flow.location!.searchParams.get("code"));
  });
});

Deno.test("authorize: response_mode=form_post answers an auto-submitting form", async () => {
  await withApp(async (t) => {
    const jar = new CookieJar();
    await runAuthorize(t, demoParams().params, { jar });
    const res = await getAuthorize(
      t,
      demoParams({ response_mode: "form_post" }).params as Record<
        string,
        string
      >,
      jar,
    );
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(
      html,
      /<form method="post" action="http:\/\/localhost:3000\/callback">/,
    );
    const fields = readPage(html).fields;
    assert.ok(fields.code);
    assert.equal(fields.state, "state-123");
    assert.equal(fields.iss, t.base);
    assert.match(
      res.headers.get("Content-Security-Policy")!,
      /form-action 'self' http:\/\/localhost:3000/,
    );
  });
});

Deno.test("authorize: a client without authorization_code is unauthorized_client", async () => {
  await withApp(async (t) => {
    const c = await addClient(t, {
      client_id: "machine",
      grant_types: ["client_credentials"],
      redirect_uris: ["https://m.example/cb"],
      scope: "openid",
    });
    const res = await getAuthorize(t, {
      client_id: c.client_id,
      response_type: "code",
      redirect_uri: "https://m.example/cb",
      scope: "openid",
      code_challenge: demoParams().params.code_challenge!,
      code_challenge_method: "S256",
    });
    assert.equal(errorOf(res).error, "unauthorized_client");
  });
});

Deno.test("authorize: POST with form parameters works like GET (OIDC Core 3.1.2.1)", async () => {
  await withApp(async (t) => {
    const { params } = demoParams();
    const res = await t.fetch("/authorize", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "text/html",
      },
      body: new URLSearchParams(params as Record<string, string>),
    });
    assert.equal(res.status, 200);
    assert.equal(readPage(await res.text()).title, "Sign in");
  });
});

Deno.test("authorize: a native app on a loopback IP redirect may use any port, at /authorize and /token (RFC 8252 §7.3)", async () => {
  await withApp(async (t) => {
    await addClient(t, {
      client_id: "native-cli",
      redirect_uris: ["http://127.0.0.1/callback", "http://[::1]/callback"],
      token_endpoint_auth_method: "none",
    });
    for (const base of ["http://127.0.0.1:51234", "http://[::1]:49321"]) {
      const redirectURI = `${base}/callback`;
      const { params, verifier } = demoParams({
        client_id: "native-cli",
        redirect_uri: redirectURI,
      });
      const flow = await runAuthorize(t, params);
      assert.equal(flow.location?.origin, base, redirectURI);
      const code = flow.location!.searchParams.get("code")!;
      // The token request names the same URI, port included; another port
      // is another URI.
      const otherPort = await tokenRequest(t, {
        grant_type: "authorization_code",
        client_id: "native-cli",
        code,
        code_verifier: verifier,
        redirect_uri: `${base.replace(/:\d+$/, ":1")}/callback`,
      });
      assert.equal(otherPort.body.error, "invalid_grant");
      const again = await runAuthorize(t, params);
      const exchanged = await tokenRequest(t, {
        grant_type: "authorization_code",
        client_id: "native-cli",
        code: again.location!.searchParams.get("code")!,
        code_verifier: verifier,
        redirect_uri: redirectURI,
      });
      assert.equal(exchanged.status, 200, JSON.stringify(exchanged.body));
    }
    // Only loopback IP literals: a different path, or localhost on another
    // port, is another URI.
    for (
      const uri of [
        "http://127.0.0.1:51234/callback/extra",
        "http://localhost:51234/callback",
      ]
    ) {
      const { params } = demoParams({
        client_id: "native-cli",
        redirect_uri: uri,
      });
      const res = await getAuthorize(t, params as Record<string, string>);
      assert.equal(res.status, 400, uri);
      assert.equal(res.headers.get("Location"), null, uri);
      await res.body?.cancel();
    }
  });
});

Deno.test("authorize: a private-use scheme redirect gets its code in the query; form_post is refused for it", async () => {
  await withApp(async (t) => {
    await addClient(t, {
      client_id: "mobile",
      redirect_uris: ["com.example.mobile:/oauth2redirect"],
      token_endpoint_auth_method: "none",
    });
    const { params } = demoParams({
      client_id: "mobile",
      redirect_uri: "com.example.mobile:/oauth2redirect",
    });
    const flow = await runAuthorize(t, params);
    assert.equal(flow.location?.protocol, "com.example.mobile:");
    assert.ok(flow.location?.searchParams.get("code"));
    const post = await getAuthorize(t, {
      ...(params as Record<string, string>),
      response_mode: "form_post",
    });
    assert.equal(post.status, 302);
    assert.equal(errorOf(post).error, "invalid_request");
  });
});

Deno.test("authorize: max_age=0 asks a signed-in user to sign in again; with prompt=none it is login_required", async () => {
  await withApp(async (t) => {
    const jar = new CookieJar();
    await runAuthorize(t, demoParams().params, { jar });
    const again = await runAuthorize(t, demoParams({ max_age: "0" }).params, {
      jar,
    });
    assert.deepEqual(again.pages, ["Sign in"]);
    assert.ok(again.location!.searchParams.get("code"));
    const silent = await getAuthorize(
      t,
      demoParams({ max_age: "0", prompt: "none" }).params as Record<
        string,
        string
      >,
      jar,
    );
    assert.equal(silent.status, 302);
    assert.equal(errorOf(silent).error, "login_required");
  });
});

Deno.test("authorize: prompt=select_account offers the signed-in account or another, never a silent code", async () => {
  await withApp(async (t) => {
    const jar = new CookieJar();
    await runAuthorize(t, demoParams().params, { jar });
    const { params, verifier } = demoParams({ prompt: "select_account" });
    const chooser = await getAuthorize(
      t,
      params as Record<string, string>,
      jar,
    );
    assert.equal(chooser.status, 200);
    const html = await chooser.text();
    assert.match(html, /Choose an account/);
    assert.match(html, /Continue as alice/);
    const fields = readPage(html).fields;
    assert.equal(
      fields.prompt,
      undefined,
      "the answered prompt is not carried on",
    );
    // Continue: the code for alice, without another prompt.
    const chosen = await postForm(t, "/authorize", {
      ...fields,
      choice: "continue",
    }, jar);
    assert.equal(chosen.status, 303);
    assert.ok(
      new URL(chosen.headers.get("Location")!).searchParams.get("code"),
    );
    // Another account: the sign-in form, then bob's code.
    const again = await getAuthorize(t, params as Record<string, string>, jar);
    const form = readPage(await again.text()).fields;
    const signIn = await postForm(t, "/authorize", {
      ...form,
      choice: "switch",
    }, jar);
    assert.equal(signIn.status, 200);
    const login = readPage(await signIn.text()).fields;
    assert.equal(login._action, "login");
    const asBob = await postForm(t, "/authorize", {
      ...login,
      username: "bob",
      password: "bob",
    }, jar);
    // bob has not consented to demo-web yet.
    const consent = readPage(await asBob.text()).fields;
    assert.equal(consent._action, "consent");
    const done = await postForm(t, "/authorize", {
      ...consent,
      decision: "allow",
    }, jar);
    assert.equal(done.status, 303);
    const code = new URL(done.headers.get("Location")!).searchParams.get(
      "code",
    )!;
    const tokens = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code,
      code_verifier: verifier,
      redirect_uri: DEMO_REDIRECT,
    });
    const info = await t.fetch("/userinfo", {
      headers: { Authorization: `Bearer ${tokens.body.access_token}` },
    });
    assert.equal((await info.json()).preferred_username, "bob");
    // Without a session there is nothing to choose: the sign-in form.
    const fresh = await getAuthorize(t, params as Record<string, string>);
    assert.equal(readPage(await fresh.text()).fields._action, "login");
  });
});

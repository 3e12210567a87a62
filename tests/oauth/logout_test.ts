import assert from "node:assert/strict";
import { generateKeyPair, SignJWT } from "jose";
import { DEFAULT_JWKS_MAX_AGE } from "../../lib/config.ts";
import { findSession } from "../../lib/db/sessions.ts";
import { activationDelay } from "../../lib/key_schedule.ts";
import { ID_TOKEN_LIFETIME } from "../../lib/oidc/id_token.ts";
import { MAX_HINT_AGE } from "../../lib/oidc/logout.ts";
import { createSession } from "../../lib/security/session.ts";
import type { UserRow } from "../../lib/db/schema.ts";
import {
  completeSetupFor,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import {
  addClient,
  clientPost,
  formPost,
  grant,
  POST_LOGOUT,
  resourceWorld,
  type TestClient,
  WEB_LOGOUT,
} from "../helpers/clients.ts";

/** Signs `user` in: a server-side session and its `sid` cookie value. */
async function signIn(
  t: TestApp,
  user: UserRow,
): Promise<{ id: string; cookie: string }> {
  const issued = await createSession(t.deps.db, {
    kind: "user",
    userID: user.id,
    authTime: t.deps.now(),
    ip: null,
    userAgent: null,
  }, t.deps.now());
  return { id: issued.session.id, cookie: `sid=${issued.token}` };
}

function get(
  t: TestApp,
  path: string,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  const query = new URLSearchParams(params).toString();
  return t.fetch(query ? `${path}?${query}` : path, {
    headers,
    redirect: "manual",
  });
}

async function isActive(
  t: TestApp,
  owner: TestClient,
  token: string,
): Promise<boolean> {
  const res = await t.fetch("/introspect", clientPost(owner, { token }));
  return (await res.json()).active;
}

/** A session cookie deletion: `sid=` with Max-Age=0. */
function clearsSessionCookie(res: Response): boolean {
  return res.headers.getSetCookie().some((line) =>
    /^sid=;/.test(line) && /max-age=0/i.test(line) && /path=\//i.test(line)
  );
}

/**
 * RP-Initiated Logout 1.0 §2: with a session and no id_token_hint of that
 * session, the OP asks first. Answers the confirmation form as the user
 * would (CSRF token from the page, our Origin) and returns the final answer.
 */
async function confirmLogout(
  t: TestApp,
  asked: Response,
  path: string,
  sessionCookie: string,
): Promise<Response> {
  assert.equal(asked.status, 200);
  const html = await asked.text();
  assert.match(html, /Sign out\?/);
  const fields: Record<string, string> = {};
  for (
    const m of html.matchAll(
      /<input type="hidden" name="([^"]+)" value="([^"]*)"/g,
    )
  ) {
    fields[m[1]] = m[2].replace(/&amp;/g, "&").replace(/&quot;/g, '"');
  }
  const csrf = asked.headers.getSetCookie().find((l) => l.startsWith("csrf="))!
    .split(";")[0];
  return await t.fetch(path, {
    ...formPost(fields, {
      Cookie: `${sessionCookie}; ${csrf}`,
      Origin: new URL(t.base).origin,
    }),
    redirect: "manual",
  });
}

async function assertRefused(res: Response, message: RegExp): Promise<void> {
  assert.equal(res.status, 400);
  assert.equal(res.headers.get("Location"), null);
  const body = await res.json();
  assert.equal(body.error, "invalid_request");
  assert.match(body.error_description, message);
}

Deno.test("end_session: the seed curl (a registered URI, no hint, no client_id) ends the session and shows the signed-out page without redirecting", async () => {
  const t = await startTestApp();
  try {
    const { alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    // curl "$BASE/end_session?post_logout_redirect_uri=http://localhost:3000/&state=bye"
    // RP-Initiated Logout 1.0 §2: with neither id_token_hint nor client_id
    // the OP cannot tie the URI to the client asking, so it MUST NOT
    // redirect; the user still signs out.
    const res = await confirmLogout(
      t,
      await get(t, "/end_session", {
        post_logout_redirect_uri: WEB_LOGOUT,
        state: "bye",
      }, { Cookie: session.cookie }),
      "/end_session",
      session.cookie,
    );
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Location"), null);
    assert.match(await res.text(), /You are signed out/);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    assert.ok(clearsSessionCookie(res), res.headers.getSetCookie().join("\n"));
    assert.equal(await findSession(t.deps.db, session.id), undefined);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: without a post_logout_redirect_uri it shows the signed-out page", async () => {
  const t = await startTestApp();
  try {
    const { alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const res = await confirmLogout(
      t,
      await get(t, "/end_session", { state: "ignored" }, {
        Cookie: session.cookie,
      }),
      "/end_session",
      session.cookie,
    );
    assert.equal(res.status, 200);
    assert.match(res.headers.get("Content-Type")!, /^text\/html/);
    assert.match(await res.text(), /You are signed out/);
    assert.ok(clearsSessionCookie(res));
    assert.equal(await findSession(t.deps.db, session.id), undefined);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: with no session at all it still answers the redirect to a client's URI", async () => {
  const t = await startTestApp();
  try {
    await resourceWorld(t);
    const res = await get(t, "/end_session", {
      client_id: "demo-web",
      post_logout_redirect_uri: WEB_LOGOUT,
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), WEB_LOGOUT);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: state is appended to a registered URI's own query, encoded", async () => {
  const t = await startTestApp();
  try {
    await resourceWorld(t);
    const res = await get(t, "/end_session", {
      client_id: "demo-post",
      post_logout_redirect_uri: POST_LOGOUT,
      state: "a b&c=d",
    });
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.get("Location"),
      "http://localhost:3001/after-logout?from=op&state=a%20b%26c%3Dd",
    );
    const back = new URL(res.headers.get("Location")!);
    assert.equal(back.searchParams.get("from"), "op");
    assert.equal(back.searchParams.get("state"), "a b&c=d");
  } finally {
    await t.close();
  }
});

Deno.test("end_session: an unregistered post_logout_redirect_uri is refused, never redirected, and nothing is ended", async () => {
  const t = await startTestApp();
  try {
    const { alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const res = await get(t, "/end_session", {
      post_logout_redirect_uri: "https://evil.example/",
      state: "bye",
    }, { Cookie: session.cookie });
    await assertRefused(res, /post_logout_redirect_uri/);
    assert.equal(res.headers.getSetCookie().length, 0);
    assert.ok(await findSession(t.deps.db, session.id));
  } finally {
    await t.close();
  }
});

Deno.test("end_session: near-miss URIs (trailing slash, port, case, query) are refused with and without client_id", async () => {
  const t = await startTestApp();
  try {
    await resourceWorld(t);
    const nearMisses: [string, string][] = [
      ["demo-web", "http://localhost:3000"],
      ["demo-web", "http://localhost:3000//"],
      ["demo-web", "http://localhost:3002/"],
      ["demo-web", "http://LOCALHOST:3000/"],
      ["demo-web", "HTTP://localhost:3000/"],
      ["demo-web", "https://localhost:3000/"],
      ["demo-web", "http://127.0.0.1:3000/"],
      ["demo-web", "http://localhost:3000/?x=1"],
      ["demo-post", "http://localhost:3001/After-Logout?from=op"],
      ["demo-post", "http://localhost:3001/after-logout?from=OP"],
      ["demo-post", "http://localhost:3001/after-logout"],
      ["demo-post", "http://localhost:3001/after-logout/?from=op"],
      ["demo-post", "http://localhost:3001/after-logout?from=op&x=1"],
      ["demo-post", "http://localhost:3001/after%2Dlogout?from=op"],
    ];
    for (const [clientID, uri] of nearMisses) {
      const variants: Record<string, string>[] = [{ client_id: clientID }, {}];
      for (const params of variants) {
        const res = await get(t, "/end_session", {
          ...params,
          post_logout_redirect_uri: uri,
        });
        assert.equal(res.status, 400, `${uri} ${JSON.stringify(params)}`);
        assert.equal(res.headers.get("Location"), null);
        await res.body?.cancel();
      }
    }
  } finally {
    await t.close();
  }
});

Deno.test("end_session: LIKE wildcards in a URI match nothing but themselves", async () => {
  const t = await startTestApp();
  try {
    await addClient(t, {
      client_id: "wild",
      post_logout_redirect_uris: ["http://localhost:3000/a_b%25c"],
    });
    for (
      const uri of [
        "http://localhost:3000/aXb%25c",
        "http://localhost:3000/a_b%c",
      ]
    ) {
      const res = await get(t, "/end_session", {
        post_logout_redirect_uri: uri,
      });
      assert.equal(res.status, 400, uri);
      await res.body?.cancel();
    }
    const ok = await get(t, "/end_session", {
      post_logout_redirect_uri: "http://localhost:3000/a_b%25c",
    });
    // Accepted (no hint or client_id, so shown the page, not redirected).
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("end_session: another client's URI is refused when the request names a client", async () => {
  const t = await startTestApp();
  try {
    await resourceWorld(t);
    const res = await get(t, "/end_session", {
      client_id: "demo-web",
      post_logout_redirect_uri: POST_LOGOUT,
    });
    await assertRefused(res, /not registered for this client/);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: an unknown client_id is refused", async () => {
  const t = await startTestApp();
  try {
    await resourceWorld(t);
    const res = await get(t, "/end_session", {
      client_id: "nobody",
      post_logout_redirect_uri: WEB_LOGOUT,
    });
    await assertRefused(res, /client_id/);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: a browser sees a 400 error page, not a redirect", async () => {
  const t = await startTestApp();
  try {
    await completeSetupFor(t);
    await resourceWorld(t);
    const res = await get(t, "/end_session", {
      post_logout_redirect_uri: "https://evil.example/",
    }, { Accept: "text/html" });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get("Location"), null);
    assert.match(res.headers.get("Content-Type")!, /^text\/html/);
    const html = await res.text();
    assert.match(html, /post_logout_redirect_uri is not registered/);
    assert.doesNotMatch(html, /evil\.example/);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: an id_token_hint we signed identifies the client, so its URI is accepted", async () => {
  const t = await startTestApp();
  try {
    const { post, alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const { id_token } = await grant(t, post, alice, ["openid"], {
      sessionID: session.id,
    });
    const res = await get(t, "/end_session", {
      id_token_hint: id_token!,
      post_logout_redirect_uri: POST_LOGOUT,
      state: "s1",
    }, { Cookie: session.cookie });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), `${POST_LOGOUT}&state=s1`);
    assert.equal(await findSession(t.deps.db, session.id), undefined);

    // The hint names demo-post: demo-web's URI is not its to use.
    const other = await get(t, "/end_session", {
      id_token_hint: id_token!,
      post_logout_redirect_uri: WEB_LOGOUT,
    });
    await assertRefused(other, /not registered for this client/);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: client_id and id_token_hint must name the same client", async () => {
  const t = await startTestApp();
  try {
    const { post, alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const { id_token } = await grant(t, post, alice, ["openid"]);
    const agree = await get(t, "/end_session", {
      id_token_hint: id_token!,
      client_id: "demo-post",
      post_logout_redirect_uri: POST_LOGOUT,
    });
    assert.equal(agree.status, 303);

    const disagree = await get(t, "/end_session", {
      id_token_hint: id_token!,
      client_id: "demo-web",
      post_logout_redirect_uri: WEB_LOGOUT,
    }, { Cookie: session.cookie });
    await assertRefused(disagree, /client_id does not match/);
    assert.ok(await findSession(t.deps.db, session.id));
  } finally {
    await t.close();
  }
});

Deno.test("end_session: an expired id_token_hint is still accepted", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const { id_token } = await grant(t, web, alice, ["openid"]);
    t.advance(ID_TOKEN_LIFETIME * 24);
    const res = await get(t, "/end_session", {
      id_token_hint: id_token!,
      post_logout_redirect_uri: WEB_LOGOUT,
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), WEB_LOGOUT);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: a hint signed by a key since rotated out is still accepted", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const { id_token } = await grant(t, web, alice, ["openid"]);
    const old = (await t.deps.keys.signingKey("RS256")).kid;
    await t.deps.keys.rotate("RS256");
    t.advance(activationDelay(DEFAULT_JWKS_MAX_AGE));
    assert.notEqual((await t.deps.keys.signingKey("RS256")).kid, old);
    const res = await get(t, "/end_session", {
      id_token_hint: id_token!,
      post_logout_redirect_uri: WEB_LOGOUT,
    });
    assert.equal(res.status, 303);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: a hint signed by a foreign key (even with our kid) is refused and nothing is ended", async () => {
  const t = await startTestApp();
  try {
    const { alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const ours = await t.deps.keys.signingKey("RS256");
    const foreign = await generateKeyPair("RS256", { extractable: true });
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: ours.kid, typ: "JWT" })
      .setIssuer(t.base)
      .setSubject(alice.id)
      .setAudience("demo-web")
      .setIssuedAt(t.deps.now())
      .setExpirationTime(t.deps.now() + 3600)
      .sign(foreign.privateKey);
    const res = await get(t, "/end_session", {
      id_token_hint: forged,
      post_logout_redirect_uri: WEB_LOGOUT,
    }, { Cookie: session.cookie });
    await assertRefused(res, /id_token_hint/);
    assert.equal(res.headers.getSetCookie().length, 0);
    assert.ok(await findSession(t.deps.db, session.id));
  } finally {
    await t.close();
  }
});

Deno.test("end_session: hints with another issuer, a JWT access token, or garbage are refused", async () => {
  const t = await startTestApp();
  try {
    const { alice } = await resourceWorld(t);
    const key = await t.deps.keys.signingKey("RS256");
    const wrongIssuer = await new SignJWT({})
      .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
      .setIssuer("https://other.example")
      .setSubject(alice.id)
      .setAudience("demo-web")
      .setIssuedAt(t.deps.now())
      .setExpirationTime(t.deps.now() + 3600)
      .sign(key.privateKey);
    const jwtClient = await addClient(t, {
      client_id: "jwt-app",
      token_format: "jwt",
      post_logout_redirect_uris: [WEB_LOGOUT],
    });
    const { access_token } = await grant(t, jwtClient, alice, ["openid"]);
    for (const hint of [wrongIssuer, access_token, "not.a.jwt", "garbage"]) {
      const res = await get(t, "/end_session", {
        id_token_hint: hint,
        post_logout_redirect_uri: WEB_LOGOUT,
      });
      await assertRefused(res, /id_token_hint/);
    }
  } finally {
    await t.close();
  }
});

Deno.test("end_session: POST with a form body works like GET", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const { id_token } = await grant(t, web, alice, ["openid"]);
    const res = await confirmLogout(
      t,
      await t.fetch("/end_session", {
        ...formPost({
          id_token_hint: id_token!,
          post_logout_redirect_uri: WEB_LOGOUT,
          state: "posted",
        }, { Cookie: session.cookie }),
        redirect: "manual",
      }),
      "/end_session",
      session.cookie,
    );
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), `${WEB_LOGOUT}?state=posted`);
    assert.equal(await findSession(t.deps.db, session.id), undefined);

    const json = await t.fetch("/end_session", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ post_logout_redirect_uri: WEB_LOGOUT }),
    });
    await assertRefused(json, /x-www-form-urlencoded/);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: a forged cookie with a real session id ends nothing", async () => {
  const t = await startTestApp();
  try {
    const { alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const res = await get(t, "/end_session", {}, {
      Cookie: `sid=${session.id}.not-the-secret`,
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.ok(await findSession(t.deps.db, session.id));
  } finally {
    await t.close();
  }
});

Deno.test("end_session: does not revoke tokens", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const tokens = await grant(t, web, alice, ["openid"]);
    const res = await confirmLogout(
      t,
      await get(t, "/end_session", {
        client_id: "demo-web",
        post_logout_redirect_uri: WEB_LOGOUT,
      }, { Cookie: session.cookie }),
      "/end_session",
      session.cookie,
    );
    assert.equal(res.status, 303);
    assert.equal(await isActive(t, web, tokens.access_token), true);
    assert.equal(await isActive(t, web, tokens.refresh_token!), true);
  } finally {
    await t.close();
  }
});

Deno.test("logout: the seed curl revokes that user's tokens for that client only, then redirects with state", async () => {
  const t = await startTestApp();
  try {
    const { web, post, alice, bob } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const aliceWeb = await grant(t, web, alice, ["openid"]);
    const aliceWeb2 = await grant(t, web, alice, ["openid", "offline_access"]);
    const alicePost = await grant(t, post, alice, ["openid"]);
    const bobWeb = await grant(t, web, bob, ["openid"]);
    // curl "$BASE/logout?client_id=demo-web&post_logout_redirect_uri=http://localhost:3000/&state=bye"
    const res = await confirmLogout(
      t,
      await get(t, "/logout", {
        client_id: "demo-web",
        post_logout_redirect_uri: WEB_LOGOUT,
        state: "bye",
      }, { Cookie: session.cookie }),
      "/logout",
      session.cookie,
    );
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.get("Location"),
      "http://localhost:3000/?state=bye",
    );
    assert.ok(clearsSessionCookie(res));
    assert.equal(await findSession(t.deps.db, session.id), undefined);

    for (const tokens of [aliceWeb, aliceWeb2]) {
      assert.equal(await isActive(t, web, tokens.access_token), false);
      assert.equal(await isActive(t, web, tokens.refresh_token!), false);
    }
    assert.equal(await isActive(t, post, alicePost.access_token), true);
    assert.equal(await isActive(t, post, alicePost.refresh_token!), true);
    assert.equal(await isActive(t, web, bobWeb.access_token), true);
    assert.equal(await isActive(t, web, bobWeb.refresh_token!), true);
  } finally {
    await t.close();
  }
});

Deno.test("logout: an id_token_hint naming no live session revokes nothing until the person confirms", async () => {
  const t = await startTestApp();
  try {
    const { web, post, alice } = await resourceWorld(t);
    // An ID token without a live session behind it (here: none at all),
    // replayed by whoever holds it: no session cookie either.
    const aliceWeb = await grant(t, web, alice, ["openid"]);
    const alicePost = await grant(t, post, alice, ["openid"]);
    const asked = await get(t, "/logout", {
      id_token_hint: aliceWeb.id_token!,
    });
    assert.equal(asked.status, 200);
    assert.equal(await isActive(t, web, aliceWeb.access_token), true);
    const confirmed = await confirmLogout(t, asked, "/logout", "");
    assert.equal(confirmed.status, 200);
    assert.match(await confirmed.text(), /You are signed out/);
    assert.equal(await isActive(t, web, aliceWeb.access_token), false);
    assert.equal(await isActive(t, post, alicePost.access_token), true);
  } finally {
    await t.close();
  }
});

Deno.test("logout: a hint naming a live session revokes that session's tokens for the client, and only those", async () => {
  const t = await startTestApp();
  try {
    const { web, post, alice } = await resourceWorld(t);
    // alice's session on another browser: this request carries no cookie.
    const elsewhere = await signIn(t, alice);
    const inSession = await grant(t, web, alice, ["openid", "offline_access"], {
      sessionID: elsewhere.id,
    });
    const otherGrant = await grant(t, web, alice, ["openid"]);
    const otherClient = await grant(t, post, alice, ["openid"], {
      sessionID: elsewhere.id,
    });
    const res = await get(t, "/logout", {
      id_token_hint: inSession.id_token!,
      post_logout_redirect_uri: WEB_LOGOUT,
      state: "bye",
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), `${WEB_LOGOUT}?state=bye`);
    assert.equal(await isActive(t, web, inSession.access_token), false);
    assert.equal(await isActive(t, web, inSession.refresh_token!), false);
    assert.equal(await isActive(t, web, otherGrant.access_token), true);
    assert.equal(await isActive(t, post, otherClient.access_token), true);
    // The session on the other browser is not this request's to end.
    assert.ok(await findSession(t.deps.db, elsewhere.id));
  } finally {
    await t.close();
  }
});

Deno.test("logout: with the hint of the browser's own session, only that session's tokens go", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const mine = await grant(t, web, alice, ["openid"], {
      sessionID: session.id,
    });
    const older = await grant(t, web, alice, ["openid"]);
    const res = await get(t, "/logout", { id_token_hint: mine.id_token! }, {
      Cookie: session.cookie,
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(await findSession(t.deps.db, session.id), undefined);
    assert.equal(await isActive(t, web, mine.access_token), false);
    assert.equal(await isActive(t, web, older.access_token), true);
  } finally {
    await t.close();
  }
});

Deno.test("logout: a hint older than the longest session is refused and revokes nothing", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const tokens = await grant(t, web, alice, ["openid", "offline_access"]);
    t.advance(MAX_HINT_AGE + 60);
    const res = await get(t, "/logout", { id_token_hint: tokens.id_token! });
    await assertRefused(res, /older than any session/);
    assert.equal(await isActive(t, web, tokens.refresh_token!), true);
  } finally {
    await t.close();
  }
});

Deno.test("logout: without an identified client nothing is revoked", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const tokens = await grant(t, web, alice, ["openid"]);
    const res = await confirmLogout(
      t,
      await get(t, "/logout", {
        post_logout_redirect_uri: WEB_LOGOUT,
      }, { Cookie: session.cookie }),
      "/logout",
      session.cookie,
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
    assert.equal(await findSession(t.deps.db, session.id), undefined);
    assert.equal(await isActive(t, web, tokens.access_token), true);
  } finally {
    await t.close();
  }
});

Deno.test("logout: an invalid request revokes nothing", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const tokens = await grant(t, web, alice, ["openid"]);
    const res = await get(t, "/logout", {
      client_id: "demo-web",
      post_logout_redirect_uri: "http://localhost:3000/evil",
    }, { Cookie: session.cookie });
    await assertRefused(res, /post_logout_redirect_uri/);
    assert.ok(await findSession(t.deps.db, session.id));
    assert.equal(await isActive(t, web, tokens.access_token), true);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: with a session and no id_token_hint a GET only asks; the session lives until confirmed", async () => {
  const t = await startTestApp();
  try {
    const { alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const asked = await get(t, "/end_session", {
      client_id: "demo-web",
      post_logout_redirect_uri: WEB_LOGOUT,
    }, { Cookie: session.cookie });
    assert.equal(asked.status, 200);
    assert.match(
      asked.headers.get("Content-Security-Policy")!,
      /form-action 'self' http:\/\/localhost:3000/,
    );
    assert.ok(await findSession(t.deps.db, session.id));
    const answered = await confirmLogout(
      t,
      asked,
      "/end_session",
      session.cookie,
    );
    assert.equal(answered.status, 303);
    assert.equal(await findSession(t.deps.db, session.id), undefined);
  } finally {
    await t.close();
  }
});

Deno.test("end_session: the confirmation needs our CSRF token", async () => {
  const t = await startTestApp();
  try {
    const { alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const forged = await t.fetch("/end_session", {
      ...formPost({ post_logout_redirect_uri: WEB_LOGOUT, confirm: "yes" }, {
        Cookie: session.cookie,
        Origin: "https://evil.example",
      }),
      redirect: "manual",
    });
    assert.equal(forged.status, 403);
    await forged.body?.cancel();
    assert.ok(await findSession(t.deps.db, session.id));
  } finally {
    await t.close();
  }
});

Deno.test("end_session: an id_token_hint of the current session signs out at once", async () => {
  const t = await startTestApp();
  try {
    const { web, alice } = await resourceWorld(t);
    const session = await signIn(t, alice);
    const { id_token } = await grant(t, web, alice, ["openid"], {
      sessionID: session.id,
    });
    const res = await get(t, "/end_session", {
      id_token_hint: id_token!,
      post_logout_redirect_uri: WEB_LOGOUT,
      state: "s",
    }, { Cookie: session.cookie });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("Location"), `${WEB_LOGOUT}?state=s`);
    assert.equal(await findSession(t.deps.db, session.id), undefined);
  } finally {
    await t.close();
  }
});

import assert from "node:assert/strict";
import { upsertScope } from "../../lib/db/scopes.ts";
import { revokeAccessToken } from "../../lib/db/tokens.ts";
import { sha256 } from "../../lib/security/crypto.ts";
import { startTestApp } from "../helpers/test_app.ts";
import {
  addClient,
  addUser,
  formPost,
  grant,
  resourceWorld,
} from "../helpers/clients.ts";

/** A client allowed every scope these tests grant, and one user. */

function bearer(token: string): RequestInit {
  return { headers: { Authorization: `Bearer ${token}` } };
}

Deno.test("userinfo: token with openid only answers sub alone", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["openid"]);
    const res = await t.fetch("/userinfo", bearer(access_token));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("Cache-Control"), "no-store");
    assert.match(res.headers.get("Content-Type")!, /^application\/json/);
    assert.deepEqual(await res.json(), { sub: alice.id });
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: openid email releases email and email_verified only", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["openid", "email"]);
    const res = await t.fetch("/userinfo", bearer(access_token));
    assert.deepEqual(await res.json(), {
      sub: alice.id,
      email: "alice@example.test",
      email_verified: true,
    });
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: openid profile releases profile claims, not email", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, [
      "openid",
      "profile",
    ]);
    const body = await (await t.fetch("/userinfo", bearer(access_token)))
      .json();
    assert.equal(body.sub, alice.id);
    assert.equal(body.name, "Alice Liddell");
    assert.equal(body.preferred_username, "alice");
    assert.equal(body.email, undefined);
    assert.equal(body.files, undefined);
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: a custom scope releases the claims its DB row lists", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    await upsertScope(t.deps.db, {
      name: "files",
      description: "See your files",
      claims: ["files"],
    }, t.deps.now());
    const { access_token } = await grant(t, client, alice, ["openid", "files"]);
    const res = await t.fetch("/userinfo", bearer(access_token));
    assert.deepEqual(await res.json(), {
      sub: alice.id,
      files: ["a.txt", "b.txt"],
    });

    // Editing the scope row changes what the same token releases.
    await upsertScope(t.deps.db, {
      name: "files",
      description: "See your files",
      claims: ["files", "email"],
    }, t.deps.now());
    const again = await t.fetch("/userinfo", bearer(access_token));
    assert.deepEqual(await again.json(), {
      sub: alice.id,
      files: ["a.txt", "b.txt"],
      email: "alice@example.test",
    });
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: POST with the header, and POST with access_token in a form body, both answer", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["openid"]);
    const byHeader = await t.fetch("/userinfo", {
      method: "POST",
      headers: { Authorization: `Bearer ${access_token}` },
    });
    assert.equal(byHeader.status, 200);
    assert.deepEqual(await byHeader.json(), { sub: alice.id });
    const byBody = await t.fetch("/userinfo", formPost({ access_token }));
    assert.equal(byBody.status, 200);
    assert.deepEqual(await byBody.json(), { sub: alice.id });
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: lower-case bearer scheme is accepted", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["openid"]);
    const res = await t.fetch("/userinfo", {
      headers: { Authorization: `bearer ${access_token}` },
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: JWT access tokens are found by their hash", async () => {
  const t = await startTestApp();
  try {
    const client = await addClient(t, {
      client_id: "jwt-app",
      token_format: "jwt",
    });
    const alice = await addUser(t, "alice");
    const { access_token } = await grant(t, client, alice, ["openid"]);
    assert.equal(access_token.split(".").length, 3);
    const res = await t.fetch("/userinfo", bearer(access_token));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { sub: alice.id });
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: no token at all is 401 with a bare Bearer challenge", async () => {
  const t = await startTestApp();
  try {
    const res = await t.fetch("/userinfo");
    assert.equal(res.status, 401);
    assert.equal(
      res.headers.get("WWW-Authenticate"),
      'Bearer realm="userinfo"',
    );
    await res.body?.cancel();
    // Basic credentials are not a bearer token either.
    const basicOnly = await t.fetch("/userinfo", {
      headers: { Authorization: "Basic ZGVtbzpzZWNyZXQ=" },
    });
    assert.equal(basicOnly.status, 401);
    assert.equal(
      basicOnly.headers.get("WWW-Authenticate"),
      'Bearer realm="userinfo"',
    );
    await basicOnly.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: an unknown token is 401 invalid_token with the error in the challenge", async () => {
  const t = await startTestApp();
  try {
    const res = await t.fetch("/userinfo", bearer("not-a-token-we-issued"));
    assert.equal(res.status, 401);
    const challenge = res.headers.get("WWW-Authenticate")!;
    assert.match(
      challenge,
      /^Bearer realm="userinfo", error="invalid_token", error_description="[^"]+"$/,
    );
    assert.equal((await res.json()).error, "invalid_token");
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: an expired access token is 401 invalid_token", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token, expires_in } = await grant(t, client, alice, [
      "openid",
    ]);
    t.advance(expires_in);
    const res = await t.fetch("/userinfo", bearer(access_token));
    assert.equal(res.status, 401);
    assert.match(res.headers.get("WWW-Authenticate")!, /error="invalid_token"/);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: a revoked access token is 401 invalid_token", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["openid"]);
    await revokeAccessToken(t.deps.db, sha256(access_token), t.deps.now());
    const res = await t.fetch("/userinfo", bearer(access_token));
    assert.equal(res.status, 401);
    assert.match(res.headers.get("WWW-Authenticate")!, /error="invalid_token"/);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: a refresh token is not an access token", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { refresh_token } = await grant(t, client, alice, [
      "openid",
      "offline_access",
    ]);
    assert.ok(refresh_token);
    const res = await t.fetch("/userinfo", bearer(refresh_token));
    assert.equal(res.status, 401);
    assert.match(res.headers.get("WWW-Authenticate")!, /error="invalid_token"/);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: a token without openid is 403 insufficient_scope naming openid", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["profile"]);
    const res = await t.fetch("/userinfo", bearer(access_token));
    assert.equal(res.status, 403);
    const challenge = res.headers.get("WWW-Authenticate")!;
    assert.match(
      challenge,
      /^Bearer realm="userinfo", error="insufficient_scope"/,
    );
    assert.match(challenge, /scope="openid"/);
    assert.equal((await res.json()).error, "insufficient_scope");
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: a disabled user's token is 401 invalid_token", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["openid"]);
    await t.deps.db.updateTable("users").set({ disabled: 1 })
      .where("id", "=", alice.id).execute();
    const res = await t.fetch("/userinfo", bearer(access_token));
    assert.equal(res.status, 401);
    assert.match(res.headers.get("WWW-Authenticate")!, /error="invalid_token"/);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: a deleted user's token is 401 invalid_token", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["openid"]);
    await t.deps.db.deleteFrom("users").where("id", "=", alice.id).execute();
    const res = await t.fetch("/userinfo", bearer(access_token));
    assert.equal(res.status, 401);
    assert.match(res.headers.get("WWW-Authenticate")!, /error="invalid_token"/);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: a client_credentials token (no end-user) is 401 invalid_token", async () => {
  const t = await startTestApp();
  try {
    const client = await addClient(t, {
      client_id: "service",
      grant_types: ["client_credentials"],
      redirect_uris: [],
    });
    const { access_token } = await grant(t, client, null, ["openid"]);
    const res = await t.fetch("/userinfo", bearer(access_token));
    assert.equal(res.status, 401);
    assert.match(res.headers.get("WWW-Authenticate")!, /error="invalid_token"/);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: a token in the query string is refused as invalid_request", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["openid"]);
    const res = await t.fetch(`/userinfo?access_token=${access_token}`);
    assert.equal(res.status, 400);
    assert.match(
      res.headers.get("WWW-Authenticate")!,
      /error="invalid_request"/,
    );
    assert.equal((await res.json()).error, "invalid_request");
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: a token sent in header and body at once is invalid_request", async () => {
  const t = await startTestApp();
  try {
    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["openid"]);
    const res = await t.fetch(
      "/userinfo",
      formPost({ access_token }, { Authorization: `Bearer ${access_token}` }),
    );
    assert.equal(res.status, 400);
    assert.match(
      res.headers.get("WWW-Authenticate")!,
      /error="invalid_request"/,
    );
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: a malformed Authorization header is invalid_request", async () => {
  const t = await startTestApp();
  try {
    for (const value of ["Bearer", "Bearer a b", "Bearer tok\u00e9n"]) {
      const res = await t.fetch("/userinfo", {
        headers: { Authorization: value },
      });
      assert.equal(res.status, 400, value);
      assert.match(
        res.headers.get("WWW-Authenticate")!,
        /error="invalid_request"/,
      );
      await res.body?.cancel();
    }
  } finally {
    await t.close();
  }
});

Deno.test("userinfo: any origin may call it; the preflight allows Authorization", async () => {
  const t = await startTestApp();
  try {
    const preflight = await t.fetch("/userinfo", {
      method: "OPTIONS",
      headers: {
        Origin: "https://spa.example.test",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization",
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("Access-Control-Allow-Origin"), "*");
    assert.match(
      preflight.headers.get("Access-Control-Allow-Headers")!,
      /authorization/i,
    );
    assert.match(preflight.headers.get("Access-Control-Allow-Methods")!, /GET/);
    await preflight.body?.cancel();

    const { web: client, alice } = await resourceWorld(t);
    const { access_token } = await grant(t, client, alice, ["openid"]);
    const ok = await t.fetch("/userinfo", {
      headers: {
        Origin: "https://spa.example.test",
        Authorization: `Bearer ${access_token}`,
      },
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("Access-Control-Allow-Origin"), "*");
    await ok.body?.cancel();

    // Errors carry CORS headers too, so the app can read the challenge.
    const denied = await t.fetch("/userinfo", {
      headers: {
        Origin: "https://spa.example.test",
        Authorization: "Bearer unknown",
      },
    });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get("Access-Control-Allow-Origin"), "*");
    assert.match(
      denied.headers.get("Access-Control-Expose-Headers")!,
      /WWW-Authenticate/,
    );
    await denied.body?.cancel();
  } finally {
    await t.close();
  }
});

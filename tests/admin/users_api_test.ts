import assert from "node:assert/strict";
import { findToken, isTokenActive } from "../../lib/oauth/tokens/lookup.ts";
import {
  canSignIn,
  demoParams,
  demoTokens,
  runAuthorize,
  tokenRequest,
} from "../helpers/oauth.ts";
import type { TestApp } from "../helpers/test_app.ts";
import { issuePaths, startAdminApp } from "./admin_fixture.ts";

const USER_KEYS = [
  "claims",
  "created_at",
  "disabled",
  "email",
  "email_verified",
  "id",
  "lock_reason",
  "locked_at",
  "must_change_password",
  "updated_at",
  "username",
  "verify_before_sign_in",
];

async function userID(
  api: (
    m: string,
    p: string,
  ) => Promise<{ body: { username: string; id: string }[] }>,
  username: string,
): Promise<string> {
  const list = await api("GET", "/admin/users");
  return list.body.find((u) => u.username === username)!.id;
}

async function tokenActive(t: TestApp, token: unknown): Promise<boolean> {
  const found = await findToken(t.deps.db, String(token), null);
  return found !== null && isTokenActive(found, t.deps.now());
}

async function refresh(t: TestApp, token: unknown): Promise<number> {
  const { status } = await tokenRequest(t, {
    grant_type: "refresh_token",
    refresh_token: String(token),
    client_id: "demo-web",
  });
  return status;
}

Deno.test("admin users: POST creates a user who can sign in; the answer has no password hash", async () => {
  const { t, api } = await startAdminApp();
  try {
    const res = await api("POST", "/admin/users", {
      username: "carol",
      password: "carol-password",
      email: "carol@example.com",
      email_verified: true,
      claims: { name: "Carol Danvers", given_name: "Carol" },
    });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body).sort(), USER_KEYS);
    assert.equal(res.body.username, "carol");
    assert.equal(res.body.email_verified, true);
    assert.equal(res.body.disabled, false);
    assert.deepEqual(res.body.claims, {
      name: "Carol Danvers",
      given_name: "Carol",
    });
    assert.equal(await canSignIn(t, "carol", "carol-password"), true);
    const row = await t.deps.db.selectFrom("users").select("password_hash")
      .where("id", "=", res.body.id).executeTakeFirstOrThrow();
    assert.match(row.password_hash, /^\$argon2id\$/);
    const minimal = await api("POST", "/admin/users", {
      username: "dave",
      password: "12345678",
    });
    assert.equal(minimal.status, 201);
    assert.equal(minimal.body.email, null);
    assert.equal(minimal.body.email_verified, false);
    assert.deepEqual(minimal.body.claims, {});
  } finally {
    await t.close();
  }
});

Deno.test("admin users: a taken username is 409, also in another case", async () => {
  const { t, api } = await startAdminApp();
  try {
    for (const username of ["alice", "ALICE", "Alice"]) {
      const res = await api("POST", "/admin/users", {
        username,
        password: "long-enough",
      });
      assert.equal(res.status, 409, username);
      assert.equal(res.body.error, "conflict");
      assert.equal(res.body.username, username);
    }
    const users = await api("GET", "/admin/users");
    assert.equal(users.body.length, 2);
  } finally {
    await t.close();
  }
});

Deno.test("admin users: names that differ only in case or Unicode spelling collide (409 with a sentence); the shown name stays as entered; sign-in matches either spelling", async () => {
  const { t, api } = await startAdminApp();
  try {
    const created = await api("POST", "/admin/users", {
      username: "\u00c9lodie",
      password: "long-enough",
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.username, "\u00c9lodie");
    for (
      const username of [
        "\u00e9lodie", // lower case
        "E\u0301lodie", // NFD: E + combining acute
        "e\u0301LODIE",
        "\uff25\u0301lodie", // fullwidth E
      ]
    ) {
      const res = await api("POST", "/admin/users", {
        username,
        password: "long-enough",
      });
      assert.equal(res.status, 409, username);
      assert.equal(res.body.error, "conflict");
      assert.match(
        res.body.error_description,
        /is taken \(it is the same name as \u00c9lodie: names are compared ignoring case and Unicode spelling differences\)/,
      );
    }
    // Sign-in by the other spellings reaches the one account.
    for (const spelling of ["\u00e9lodie", "E\u0301LODIE"]) {
      assert.equal(await canSignIn(t, spelling, "long-enough"), true, spelling);
    }
    const users = await api("GET", "/admin/users");
    assert.equal(users.body.length, 3);
  } finally {
    await t.close();
  }
});

Deno.test("admin users: invisible format characters (ZWJ, ZWNJ, bidi controls, other Cf) and control characters are refused 400 with a sentence", async () => {
  const { t, api } = await startAdminApp();
  try {
    for (
      const username of [
        "ali\u200dce", // zero-width joiner
        "ali\u200cce", // zero-width non-joiner
        "\u202ealice", // right-to-left override
        "alice\u2066", // left-to-right isolate
        "al\u00adice", // soft hyphen
        "\ufeffalice", // byte order mark
        "ali\u0007ce", // bell
        "ali\u0085ce", // next line (C1)
      ]
    ) {
      const res = await api("POST", "/admin/users", {
        username,
        password: "long-enough",
      });
      assert.equal(res.status, 400, JSON.stringify(username));
      assert.deepEqual(issuePaths(res.body), ["username"]);
      assert.match(
        res.body.error_description,
        /control or invisible formatting characters/,
      );
    }
    const users = await api("GET", "/admin/users");
    assert.equal(users.body.length, 2);
  } finally {
    await t.close();
  }
});

Deno.test("admin users: bad fields answer 400 naming them and create nothing", async () => {
  const { t, api } = await startAdminApp();
  try {
    const cases: [Record<string, unknown>, string][] = [
      [{ username: "erin", password: "short" }, "password"],
      [{ username: "erin" }, "password"],
      [{ password: "long-enough" }, "username"],
      [{ username: "two words", password: "long-enough" }, "username"],
      [{ username: "", password: "long-enough" }, "username"],
      [
        { username: "erin", password: "long-enough", email: "not-mail" },
        "email",
      ],
      [
        { username: "erin", password: "long-enough", email_verified: "yes" },
        "email_verified",
      ],
      [{ username: "erin", password: "long-enough", claims: ["x"] }, "claims"],
      [
        { username: "erin", password: "long-enough", claims: { sub: "x" } },
        "claims.sub",
      ],
      [
        { username: "erin", password: "long-enough", claims: { email: "x" } },
        "claims.email",
      ],
      // Unknown keys are named one by one.
      [
        { username: "erin", password: "long-enough", disabled: true },
        "disabled",
      ],
      [
        { username: "erin", password: "long-enough", password_hash: "x" },
        "password_hash",
      ],
    ];
    for (const [body, field] of cases) {
      const res = await api("POST", "/admin/users", body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.deepEqual(issuePaths(res.body), [field], JSON.stringify(body));
    }
    const users = await api("GET", "/admin/users");
    assert.equal(users.body.length, 2);
  } finally {
    await t.close();
  }
});

Deno.test("admin users: GET lists users by username and reads one; unknown ids are 404", async () => {
  const { t, api } = await startAdminApp();
  try {
    const list = await api("GET", "/admin/users");
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((u: { username: string }) => u.username), [
      "alice",
      "bob",
    ]);
    for (const u of list.body) {
      assert.deepEqual(Object.keys(u).sort(), USER_KEYS);
    }
    const one = await api("GET", `/admin/users/${list.body[0].id}`);
    assert.deepEqual(one.body, list.body[0]);
    assert.equal((await api("GET", "/admin/users/nope")).status, 404);
    assert.equal(
      (await api("PATCH", "/admin/users/nope", { disabled: true })).status,
      404,
    );
    assert.equal(
      (await api("POST", "/admin/users/nope/password", {
        password: "long-enough",
      })).status,
      404,
    );
    assert.equal((await api("DELETE", "/admin/users/nope")).status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("admin users: PATCH updates email, claims and verification; a new email is unverified", async () => {
  const { t, api } = await startAdminApp();
  try {
    const id = await userID(api, "alice");
    const tokens = await demoTokens(t);
    const patched = await api("PATCH", `/admin/users/${id}`, {
      email: "alice@new.example.com",
      claims: { name: "Alice L.", picture: "https://img.example.com/a.png" },
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.email, "alice@new.example.com");
    assert.equal(patched.body.email_verified, false);
    assert.deepEqual(patched.body.claims, {
      name: "Alice L.",
      picture: "https://img.example.com/a.png",
    });
    // Claims are read live: the next userinfo call shows them.
    const info = await t.fetch("/userinfo", {
      headers: { Authorization: `Bearer ${tokens.access_token}` },
    });
    const claims = await info.json();
    assert.equal(claims.name, "Alice L.");
    assert.equal(claims.email, "alice@new.example.com");
    assert.equal(claims.email_verified, false);
    const verified = await api("PATCH", `/admin/users/${id}`, {
      email_verified: true,
    });
    assert.equal(verified.body.email_verified, true);
    const cleared = await api("PATCH", `/admin/users/${id}`, { email: "" });
    assert.equal(cleared.body.email, null);
    const bad = await api("PATCH", `/admin/users/${id}`, { username: "x" });
    assert.equal(bad.status, 400);
    const reserved = await api("PATCH", `/admin/users/${id}`, {
      claims: { iss: "https://evil.example" },
    });
    assert.equal(reserved.status, 400);
    assert.deepEqual(issuePaths(reserved.body), ["claims.iss"]);
  } finally {
    await t.close();
  }
});

Deno.test("admin users: disabling ends the user's sessions and revokes their tokens; enabling lets them sign in again", async () => {
  const { t, api } = await startAdminApp();
  try {
    const id = await userID(api, "alice");
    const { params } = demoParams();
    const flow = await runAuthorize(t, params);
    assert.ok(flow.location?.searchParams.get("code"));
    const tokens = await demoTokens(t, {}, { jar: flow.jar });
    assert.equal(await tokenActive(t, tokens.access_token), true);
    const sessions = await api("GET", `/admin/sessions?user_id=${id}`);
    assert.equal(sessions.body.length, 1);

    const res = await api("PATCH", `/admin/users/${id}`, { disabled: true });
    assert.equal(res.status, 200);
    assert.equal(res.body.disabled, true);
    assert.deepEqual(
      (await api("GET", `/admin/sessions?user_id=${id}`)).body,
      [],
    );
    assert.equal(await tokenActive(t, tokens.access_token), false);
    assert.equal(await refresh(t, tokens.refresh_token), 400);
    // The old cookie no longer signs anyone in; the password is refused.
    const again = await runAuthorize(t, demoParams().params, {
      jar: flow.jar,
    });
    assert.equal(again.pages[0], "Sign in");
    assert.equal(again.location, null);
    assert.equal(await canSignIn(t, "alice", "alice"), false);

    const enabled = await api("PATCH", `/admin/users/${id}`, {
      disabled: false,
    });
    assert.equal(enabled.body.disabled, false);
    assert.equal(await canSignIn(t, "alice", "alice"), true);
    const audit = await api(
      "GET",
      `/admin/audit?target_type=user&target_id=${id}`,
    );
    assert.deepEqual(
      audit.body.events.map((e: { action: string }) => e.action),
      ["user.enabled", "user.disabled"],
    );
  } finally {
    await t.close();
  }
});

Deno.test("admin users: a password reset ends sessions, revokes refresh tokens, and only the new password works", async () => {
  const { t, api } = await startAdminApp();
  try {
    const id = await userID(api, "bob");
    const login = { username: "bob", password: "bob" };
    const tokens = await demoTokens(t, {}, login);
    const short = await api("POST", `/admin/users/${id}/password`, {
      password: "short",
    });
    assert.equal(short.status, 400);
    assert.deepEqual(issuePaths(short.body), ["password"]);
    const missing = await api("POST", `/admin/users/${id}/password`, {});
    assert.equal(missing.status, 400);
    const res = await api("POST", `/admin/users/${id}/password`, {
      password: "a much better password",
    });
    assert.equal(res.status, 200);
    assert.equal(res.body.id, id);
    assert.equal(res.body.password, undefined);
    assert.equal(await refresh(t, tokens.refresh_token), 400);
    assert.equal(await tokenActive(t, tokens.access_token), false);
    assert.deepEqual(
      (await api("GET", `/admin/sessions?user_id=${id}`)).body,
      [],
    );
    assert.equal(await canSignIn(t, "bob", "bob"), false);
    assert.equal(await canSignIn(t, "bob", "a much better password"), true);
    const audit = await api("GET", "/admin/audit?action=user.password_reset");
    assert.equal(audit.body.events.length, 1);
    assert.ok(!JSON.stringify(audit.body).includes("a much better password"));
  } finally {
    await t.close();
  }
});

Deno.test("admin users: DELETE answers 204 and takes the user's sessions, tokens and consents with it", async () => {
  const { t, api } = await startAdminApp();
  try {
    const id = await userID(api, "alice");
    await demoTokens(t);
    const res = await api("DELETE", `/admin/users/${id}`);
    assert.equal(res.status, 204);
    for (
      const table of [
        "sessions",
        "access_tokens",
        "refresh_tokens",
        "consents",
      ] as const
    ) {
      const rows = await t.deps.db.selectFrom(table).select("user_id")
        .where("user_id", "=", id).execute();
      assert.equal(rows.length, 0, table);
    }
    assert.equal((await api("GET", `/admin/users/${id}`)).status, 404);
    assert.equal(await canSignIn(t, "alice", "alice"), false);
  } finally {
    await t.close();
  }
});

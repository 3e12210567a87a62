/**
 * SQL injection (RFC 6819 §5.1.4.1.5 "use of parameterized queries"): SQL
 * metacharacters in every string the admin API stores come back exactly as
 * sent and change nothing else; the same strings in sign-in, client
 * authentication and lookups by name match nothing. (The fuzz test sends
 * them everywhere and checks the database is untouched; this one proves the
 * writes that may happen store the text literally.)
 * @module
 */
import assert from "node:assert/strict";
import { demoParams } from "../helpers/oauth.ts";
import { CookieJar } from "../helpers/test_app.ts";
import {
  fetchFrom,
  openAuthorize,
  postFrom,
  startSecurityApp,
} from "./fixture.ts";

const IP = "192.0.2.90";

/** Text with every SQL metacharacter, spaces and quotes included. */
const SQL_TEXT = [
  `' OR '1'='1`,
  `"; DROP TABLE users; --`,
  `1); DELETE FROM clients; --`,
  `' UNION SELECT password_hash FROM users --`,
  `%_\\%\\_ \\' \\" $1 ? :name /* */ \``,
  `'||(SELECT 1)||'`,
];

/** Scope-token-shaped (printable ASCII, no space, `"` or `\`). */
const SQL_TOKENS = [`';DROP-TABLE-scopes;--`, `%_%`, `1)OR(1=1`, `x'||'y`];

async function counts(
  db: Awaited<ReturnType<typeof startSecurityApp>>["t"]["deps"]["db"],
): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (
    const table of [
      "users",
      "clients",
      "client_policies",
      "scopes",
      "sessions",
    ] as const
  ) {
    const rows = await db.selectFrom(table).selectAll().execute();
    out[table] = rows.length;
  }
  return out;
}

Deno.test("sql injection: metacharacters in admin writes are stored and read back literally, and nothing else changes", async () => {
  const { t, adminToken } = await startSecurityApp();
  try {
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await t.fetch(path, {
        method,
        headers: {
          "X-Admin-Token": adminToken,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return {
        status: res.status,
        body: res.status === 204 ? null : await res.json(),
      };
    };
    const before = await counts(t.deps.db);

    for (const [i, name] of SQL_TOKENS.entries()) {
      const description = SQL_TEXT[i % SQL_TEXT.length];
      const created = await api("POST", "/admin/scopes", {
        name,
        description,
        claims: [`c'${i}`, `d"${i};--`],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const read = await api(
        "GET",
        `/admin/scopes/${encodeURIComponent(name)}`,
      );
      assert.deepEqual(read.body, {
        name,
        description,
        claims: [`c'${i}`, `d"${i};--`],
      });
    }

    const users: string[] = [];
    for (const [i, text] of SQL_TEXT.entries()) {
      const username = `u${i}'--${text.replace(/\s/g, "")}`.slice(0, 100);
      const created = await api("POST", "/admin/users", {
        username,
        password: `pw ${text}`,
        claims: { name: text, nickname: `${text} ${i}` },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      users.push(created.body.id);
      const read = await api("GET", `/admin/users/${created.body.id}`);
      assert.equal(read.body.username, username);
      assert.deepEqual(read.body.claims, {
        name: text,
        nickname: `${text} ${i}`,
      });
    }

    const redirect =
      "https://rp.example.com/cb?q=%27%3BDROP%20TABLE%20clients%3B--";
    const client = await api("POST", "/admin/clients", {
      client_id: "sql-client",
      client_name: SQL_TEXT.join(" | "),
      redirect_uris: [redirect],
      token_endpoint_auth_method: "client_secret_post",
      scope: `openid ${SQL_TOKENS[0]}`,
    });
    assert.equal(client.status, 201, JSON.stringify(client.body));
    const readClient = await api("GET", "/admin/clients/sql-client");
    assert.equal(readClient.body.client_name, SQL_TEXT.join(" | "));
    assert.deepEqual(readClient.body.redirect_uris, [redirect]);
    assert.equal(readClient.body.scope, `openid ${SQL_TOKENS[0]}`);

    // Exactly what was created, nothing more, nothing less.
    const after = await counts(t.deps.db);
    assert.deepEqual(after, {
      ...before,
      scopes: before.scopes + SQL_TOKENS.length,
      users: before.users + SQL_TEXT.length,
      clients: before.clients + 1,
      client_policies: before.client_policies + 1,
    });

    // Deleting one of them deletes that one only; a scope a policy uses is
    // found in use although its name is full of LIKE wildcards.
    const inUse = await api(
      "DELETE",
      `/admin/scopes/${encodeURIComponent(SQL_TOKENS[0])}`,
    );
    assert.equal(inUse.status, 409);
    assert.deepEqual(inUse.body.clients, ["sql-client"]);
    const wildcard = await api(
      "DELETE",
      `/admin/scopes/${encodeURIComponent("%_%")}`,
    );
    assert.equal(wildcard.status, 204);
    assert.equal((await counts(t.deps.db)).scopes, after.scopes - 1);
    const gone = await api("DELETE", `/admin/users/${users[0]}`);
    assert.equal(gone.status, 204);
    assert.equal((await counts(t.deps.db)).users, after.users - 1);
  } finally {
    await t.close();
  }
});

Deno.test("sql injection: metacharacters in sign-in, client authentication and lookups match nothing", async () => {
  const { t } = await startSecurityApp();
  try {
    for (const text of SQL_TEXT) {
      const jar = new CookieJar();
      const { params } = demoParams();
      const page = await openAuthorize(
        t,
        `192.0.2.${100 + SQL_TEXT.indexOf(text)}`,
        new URLSearchParams(params as Record<string, string>),
        jar,
      );
      const res = await postFrom(t, IP, "/authorize", {
        ...page.fields,
        username: text,
        password: text,
      }, jar);
      assert.equal(res.status, 401, `sign-in as ${text}`);
      await res.body?.cancel();

      const token = await fetchFrom(t, IP, "/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: `demo-web${text}`,
          client_secret: text,
        }),
      });
      assert.equal(token.status, 401, `client ${text}`);
      assert.equal((await token.json()).error, "invalid_client");

      const authorize = await t.fetch(
        `/authorize?${new URLSearchParams({
          client_id: text,
          response_type: "code",
          redirect_uri: "http://localhost:3000/callback",
        })}`,
        { headers: { Accept: "text/html" }, redirect: "manual" },
      );
      assert.equal(authorize.status, 400);
      await authorize.body?.cancel();

      // A post-logout URI that only LIKE's wildcards would make "match".
      const logout = await t.fetch(
        `/end_session?${new URLSearchParams({
          post_logout_redirect_uri: `http://localhost:3000/${text}`,
        })}`,
        { headers: { Accept: "text/html" }, redirect: "manual" },
      );
      assert.equal(logout.status, 400);
      await logout.body?.cancel();
    }
    const wildcardURI = await t.fetch(
      `/end_session?${new URLSearchParams({
        post_logout_redirect_uri: "http://localhost:300_/",
      })}`,
      { headers: { Accept: "text/html" }, redirect: "manual" },
    );
    assert.equal(wildcardURI.status, 400, "_ is not a wildcard here");
    await wildcardURI.body?.cancel();
    // Every table is still there and still holds the seeded data.
    const users = await t.deps.db.selectFrom("users").select("username")
      .orderBy("username").execute();
    assert.deepEqual(users.map((u) => u.username), ["alice", "bob"]);
  } finally {
    await t.close();
  }
});

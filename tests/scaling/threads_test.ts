/**
 * One server, however many threads: `deno task start` with the default
 * WORKERS (one thread per core, at least two here) must answer as one
 * server. After each write the admin API acknowledged, every one of many
 * reads on fresh connections (each may land on any thread) must see it:
 * scopes, clients, policies, secrets, deletions, disabled users, revoked
 * tokens, refresh rotation and signing keys. Runs on SQLite and, with
 * TEST_DATABASE_URL, on PostgreSQL.
 */
import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { Browser } from "../examples/browser.ts";
import { demoParams } from "../helpers/oauth.ts";
import { type ServerProcess, startServer } from "../helpers/server_process.ts";

/** Reads after each write; every one must see it. */
const READS = 30;

let clients = 0;

/**
 * A request on a connection of its own, so any thread may answer it, from
 * an address of its own (X-Forwarded-For through the trusted loopback
 * proxy): many refused secrets in a row are the point here, and must not
 * meet the per-address failure budgets.
 */
function call(
  server: ServerProcess,
  path: string,
  init: RequestInit = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Connection", "close");
  clients++;
  headers.set("X-Forwarded-For", `10.1.${clients >> 8 & 255}.${clients & 255}`);
  return fetch(`${server.base}${path}`, { ...init, headers });
}

/** The admin token, from the setup page (setup makes the users' pages work). */
let adminToken = "";

async function completeSetup(server: ServerProcess): Promise<string> {
  const browser = new Browser();
  const page = await browser.go(`${server.base}/setup`);
  const csrf = page.html.match(/name="csrf_token" value="([^"]+)"/)![1];
  // The bootstrap ADMIN_TOKEN is the proof of who may set the server up.
  const done = await browser.post(`${server.base}/setup`, {
    csrf_token: csrf,
    setup_code: server.adminToken,
  });
  const token = done.html.match(/id="admin-token">([^<]+)</)?.[1];
  assert.ok(token, `setup: ${done.status}`);
  return token;
}

function admin(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return call(server, path, {
    method,
    headers: {
      "X-Admin-Token": adminToken,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function adminJSON(
  server: ServerProcess,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await admin(server, method, path, body);
  assert.ok(
    res.ok,
    `${method} ${path}: ${res.status} ${await res.clone().text()}`,
  );
  return res.status === 204 ? {} : await res.json();
}

function form(
  server: ServerProcess,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return call(server, path, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body: new URLSearchParams(fields),
  });
}

function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${id}:${secret}`)}`;
}

/**
 * Runs `read` READS times; `stale` says whether an answer missed the
 * write. Asserts none did, naming how many of how many.
 */
async function noneStale<T>(
  what: string,
  read: () => Promise<T>,
  stale: (value: T) => boolean,
): Promise<T[]> {
  const values: T[] = [];
  for (let i = 0; i < READS; i++) values.push(await read());
  const missed = values.filter(stale).length;
  assert.equal(missed, 0, `${what}: ${missed} of ${READS} reads were stale`);
  return values;
}

async function discovery(server: ServerProcess): Promise<{
  scopes_supported: string[];
  claims_supported: string[];
}> {
  return await (await call(server, "/.well-known/openid-configuration"))
    .json();
}

async function clientCredentials(
  server: ServerProcess,
  id: string,
  secret: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await form(server, "/token", {
    grant_type: "client_credentials",
  }, { Authorization: basic(id, secret) });
  return { status: res.status, body: await res.json() };
}

/** Signs alice in to demo-web (seeded) and redeems the code. */
async function aliceTokens(
  server: ServerProcess,
): Promise<Record<string, string>> {
  const { params, verifier } = demoParams();
  const page = await new Browser().signIn(
    `${server.base}/authorize?${new URLSearchParams(
      params as Record<string, string>,
    )}`,
    { stopBefore: (url) => url.port === "3000" },
  );
  const code = page.url.searchParams.get("code");
  assert.ok(code, `no code: ${page.status} ${page.url}`);
  const res = await form(server, "/token", {
    grant_type: "authorization_code",
    client_id: "demo-web",
    code,
    code_verifier: verifier,
    redirect_uri: params.redirect_uri!,
  });
  assert.equal(res.status, 200);
  return await res.json();
}

Deno.test("threads: every write the admin API acknowledged is seen by every thread on the next request", async (t) => {
  const server = await startServer({
    // A short JWKS max-age, so the key step can wait out the activation.
    env: {
      ENABLE_DEV_ENDPOINTS: "true",
      JWKS_MAX_AGE: "1",
      TRUSTED_PROXIES: "127.0.0.1",
    },
  });
  try {
    assert.ok(server.workers >= 2, `only ${server.workers} thread(s)`);
    adminToken = await completeSetup(server);

    await t.step("a scope created, changed and deleted", async () => {
      // Every thread has the discovery document cached first.
      await noneStale("warm", () => discovery(server), () => false);
      await adminJSON(server, "POST", "/admin/scopes", {
        name: "threads.read",
        description: "Read threads",
        claims: ["thread_a"],
      });
      await noneStale(
        "after create",
        () => discovery(server),
        (d) => !d.scopes_supported.includes("threads.read"),
      );
      await adminJSON(server, "POST", "/admin/scopes", {
        name: "threads.read",
        claims: ["thread_b"],
      });
      await noneStale(
        "after update",
        () => discovery(server),
        (d) =>
          !d.claims_supported.includes("thread_b") ||
          d.claims_supported.includes("thread_a"),
      );
      await adminJSON(server, "POST", "/admin/scopes", {
        name: "threads.gone",
      });
      await noneStale("warm", () => discovery(server), () => false);
      await adminJSON(server, "DELETE", "/admin/scopes/threads.gone");
      await noneStale(
        "after delete",
        () => discovery(server),
        (d) => d.scopes_supported.includes("threads.gone"),
      );
    });

    let secret = "";
    await t.step(
      "a client created, its policy changed, its secret regenerated",
      async () => {
        // Every thread has "svc" cached as unknown first.
        await noneStale(
          "unknown",
          () => clientCredentials(server, "svc", "nope"),
          (r) => r.status !== 401,
        );
        const created = await adminJSON(server, "POST", "/admin/clients", {
          client_id: "svc",
          grant_types: ["client_credentials"],
          scope: "threads.read",
        });
        secret = String(created.client_secret);
        await noneStale(
          "after create",
          () => clientCredentials(server, "svc", secret),
          (r) => r.status !== 200,
        );
        await adminJSON(server, "POST", "/admin/clients/svc/policy", {
          access_token_lifetime: 600,
        });
        await noneStale(
          "after policy change",
          () => clientCredentials(server, "svc", secret),
          (r) => r.body.expires_in !== 600,
        );
        // Admin reads never come from a cache.
        await noneStale(
          "admin read after policy change",
          async () =>
            (await (await admin(server, "GET", "/admin/clients/svc/policy"))
              .json()).access_token_lifetime,
          (lifetime) => lifetime !== 600,
        );
        const old = secret;
        secret = String(
          (await adminJSON(server, "POST", "/admin/clients/svc/secret"))
            .client_secret,
        );
        await noneStale(
          "old secret after regeneration",
          () => clientCredentials(server, "svc", old),
          (r) => r.status !== 401,
        );
        await noneStale(
          "new secret after regeneration",
          () => clientCredentials(server, "svc", secret),
          (r) => r.status !== 200,
        );
      },
    );

    await t.step("a revoked access token", async () => {
      const { body } = await clientCredentials(server, "svc", secret);
      const token = String(body.access_token);
      const introspect = async () =>
        (await (await form(server, "/introspect", { token }, {
          Authorization: basic("svc", secret),
        })).json()).active;
      await noneStale("before", introspect, (active) => active !== true);
      const revoked = await form(server, "/revoke", { token }, {
        Authorization: basic("svc", secret),
      });
      assert.equal(revoked.status, 200);
      await noneStale("after revoke", introspect, (active) => active !== false);
    });

    await t.step(
      "signing keys: published on every thread before any thread signs with them",
      async () => {
        await adminJSON(server, "POST", "/admin/clients", {
          client_id: "jwt-svc",
          grant_types: ["client_credentials"],
          scope: "threads.read",
          token_format: "jwt",
        }).then((c) => secret = String(c.client_secret));
        const signed = async () => {
          const { body } = await clientCredentials(server, "jwt-svc", secret);
          const token = String(body.access_token);
          return {
            kid: decodeProtectedHeader(token).kid!,
            iat: decodeJwt(token).iat!,
          };
        };
        const jwksKids = async () =>
          ((await (await call(server, "/.well-known/jwks.json")).json())
            .keys as {
              kid: string;
            }[]).map((k) => k.kid);
        const before = (await signed()).kid;
        await noneStale("warm", signed, (s) => s.kid !== before);
        await noneStale("warm", jwksKids, () => false);
        const rotated = await adminJSON(server, "POST", "/admin/rotate_jwk");
        const kid = String(rotated.kid);
        assert.equal(rotated.status, "pending");
        // Every JWKS a relying party fetches from now on lists the new key...
        await noneStale(
          "JWKS after rotation",
          jwksKids,
          (kids) => !kids.includes(kid) || !kids.includes(before),
        );
        // ...while tokens are still signed with the key every earlier JWKS
        // had, until the advertised max-age (+ margin) has passed.
        const activatesAt = Number(rotated.activates_at);
        await noneStale(
          "signing before activation",
          signed,
          (s) => s.iat < activatesAt && s.kid !== before,
        );
        const wait = activatesAt * 1000 - Date.now() + 1100;
        await new Promise((r) => setTimeout(r, Math.max(wait, 0)));
        await noneStale(
          "signing after activation",
          signed,
          (s) => s.kid !== kid,
        );
      },
    );

    let alice: Record<string, string> = {};
    await t.step(
      "refresh rotation: the rotated token is refused on every thread",
      async () => {
        const seeded = await admin(server, "GET", "/dev/seed");
        assert.equal(seeded.status, 200);
        await seeded.body?.cancel();
        alice = await aliceTokens(server);
        const next = await form(server, "/token", {
          grant_type: "refresh_token",
          client_id: "demo-web",
          refresh_token: alice.refresh_token,
        });
        assert.equal(next.status, 200);
        const successor = await next.json();
        // The first reuse revokes the family (the successor with it).
        await noneStale(
          "reused refresh token",
          async () =>
            (await (await form(server, "/token", {
              grant_type: "refresh_token",
              client_id: "demo-web",
              refresh_token: alice.refresh_token,
            })).json()).error,
          (error) => error !== "invalid_grant",
        );
        await noneStale(
          "successor of a reused token",
          async () =>
            (await (await form(server, "/introspect", {
              client_id: "demo-web",
              token: successor.access_token,
            })).json()).active,
          (active) => active !== false,
        );
      },
    );

    await t.step("a disabled user", async () => {
      alice = await aliceTokens(server);
      const userinfo = async () =>
        (await call(server, "/userinfo", {
          headers: { Authorization: `Bearer ${alice.access_token}` },
        })).status;
      await noneStale("before", userinfo, (s) => s !== 200);
      const users = await (await admin(server, "GET", "/admin/users")).json();
      const id = users.find((u: { username: string }) =>
        u.username === "alice"
      ).id;
      await adminJSON(server, "PATCH", `/admin/users/${id}`, {
        disabled: true,
      });
      await noneStale("userinfo after disable", userinfo, (s) => s !== 401);
      await noneStale(
        "refresh after disable",
        async () =>
          (await form(server, "/token", {
            grant_type: "refresh_token",
            client_id: "demo-web",
            refresh_token: alice.refresh_token,
          })).status,
        (s) => s !== 400,
      );
    });

    await t.step("a deleted client", async () => {
      await noneStale(
        "before",
        () => clientCredentials(server, "jwt-svc", secret),
        (r) => r.status !== 200,
      );
      await adminJSON(server, "DELETE", "/admin/clients/jwt-svc");
      await noneStale(
        "after delete",
        () => clientCredentials(server, "jwt-svc", secret),
        (r) => r.status !== 401,
      );
    });

    await t.step(
      "branding set and changed: every thread shows it at once",
      async () => {
        /** The start page's name, and the accent its stylesheet sets. */
        const look = async () => {
          const html = await (await call(server, "/", {
            headers: { Accept: "text/html" },
          })).text();
          const name = html.match(/<span class="brand-name">([^<]*)</)?.[1];
          const theme = html.match(/href="(\/branding\/theme\.css\?v=[^"]+)"/)
            ?.[1];
          const css = theme ? await (await call(server, theme)).text() : "";
          return { name, accent: css.match(/--accent: (#[0-9a-f]{6})/)?.[1] };
        };
        // Every thread has the (empty) branding cached first.
        await noneStale("warm", look, (l) => l.name !== "Authorization Server");
        await adminJSON(server, "PATCH", "/admin/branding", {
          name: "Threads Inc",
          accent_color: "#0b6e4f",
        });
        await noneStale(
          "after set",
          look,
          (l) => l.name !== "Threads Inc" || l.accent !== "#0b6e4f",
        );
        await adminJSON(server, "PATCH", "/admin/branding", {
          name: "Threads Two",
          accent_color: "#6b21a8",
        });
        await noneStale(
          "after change",
          look,
          (l) => l.name !== "Threads Two" || l.accent !== "#6b21a8",
        );
      },
    );
  } finally {
    await server.close();
  }
});

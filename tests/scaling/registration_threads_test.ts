/**
 * Resources and the self-registration policy against `deno task start`
 * with its default threads: what the admin API acknowledged is what every
 * thread answers on the next request (the metadata documents, /register,
 * the token endpoint's resource check).
 */
import assert from "node:assert/strict";
import { startServer } from "../helpers/server_process.ts";

const API = "https://api.example.test/mcp";

Deno.test("threads: a new resource, a registration policy change and a deleted resource are seen by every thread at once", async () => {
  const server = await startServer();
  try {
    assert.ok(server.workers >= 2, `${server.workers} threads`);
    const admin = (method: string, path: string, body?: unknown) =>
      fetch(`${server.base}${path}`, {
        method,
        headers: {
          "X-Admin-Token": server.adminToken,
          "Content-Type": "application/json",
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const many = async <T>(n: number, f: () => Promise<T>) =>
      await Promise.all(Array.from({ length: n }, f));

    // Warm every thread's cache first, so a stale one would show.
    await many(20, async () => {
      const res = await fetch(
        `${server.base}/.well-known/oauth-authorization-server`,
      );
      return (await res.json()).protected_resources;
    });
    let res = await admin("POST", "/admin/resources", {
      identifier: API,
      name: "MCP",
      scopes: ["mcp:tools"],
    });
    assert.equal(res.status, 201, await res.text());
    const listed = await many(20, async () => {
      const r = await fetch(
        `${server.base}/.well-known/oauth-authorization-server`,
      );
      return (await r.json()).protected_resources;
    });
    for (const resources of listed) assert.deepEqual(resources, [API]);

    const registration = () =>
      fetch(`${server.base}/register`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          redirect_uris: ["http://127.0.0.1/cb"],
          token_endpoint_auth_method: "none",
        }),
      }).then(async (r) => {
        await r.body?.cancel();
        return r.status;
      });
    res = await admin("POST", "/admin/registration", { public_clients: "off" });
    assert.equal(res.status, 200, await res.text());
    assert.deepEqual(await many(8, registration), Array(8).fill(403));
    res = await admin("POST", "/admin/registration", {
      public_clients: "open",
    });
    await res.body?.cancel();
    assert.deepEqual(await many(4, registration), Array(4).fill(201));

    // A confidential client that asks for the resource, on every thread.
    res = await admin("POST", "/admin/clients", {
      client_id: "svc",
      grant_types: ["client_credentials"],
      scope: "mcp:tools",
      token_endpoint_auth_method: "client_secret_post",
    });
    const { client_secret } = await res.json();
    const token = () =>
      fetch(`${server.base}/token`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: "svc",
          client_secret,
          resource: API,
        }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    for (const answer of await many(8, token)) {
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      assert.equal(answer.body.scope, "mcp:tools");
    }
    res = await admin("DELETE", `/admin/resources/${encodeURIComponent(API)}`);
    assert.equal(res.status, 204);
    for (const answer of await many(8, token)) {
      assert.equal(answer.status, 400);
      assert.equal(answer.body.error, "invalid_target");
    }
  } finally {
    await server.close();
  }
});

/**
 * The APIs and Registration pages of the admin UI without JavaScript: an
 * API registered, edited and deleted through its forms (with the
 * confirmation step), inline errors from the admin API's rules, the
 * registration policy saved (and pinned by the environment), an initial
 * access token shown once, and a self-registered client disabled.
 */
import assert from "node:assert/strict";
import { startAdminUI } from "./ui_fixture.ts";

const API = "https://mcp.example.com/mcp";

Deno.test("admin UI: APIs are registered, edited and deleted (with confirmation); errors are shown inline", async () => {
  const ui = await startAdminUI();
  try {
    let page = await ui.get("/admin/ui/resources");
    assert.equal(page.status, 200);
    assert.match(page.html, /No APIs yet/);
    page = await ui.post("/admin/ui/resources", {
      _action: "save",
      identifier: "not a uri",
      name: "Broken",
    });
    assert.equal(page.status, 400);
    assert.match(page.html, /absolute URI/);
    page = await ui.post("/admin/ui/resources", {
      _action: "save",
      identifier: API,
      name: "Example MCP",
      scopes: "mcp:tools mcp:admin",
      token_format: "jwt",
      access_token_lifetime: "600",
    });
    assert.equal(page.status, 303, page.html.slice(0, 500));
    page = await ui.get("/admin/ui/resources?notice=resource.saved");
    assert.match(page.html, /Example MCP/);
    assert.match(page.html, /mcp:tools mcp:admin/);
    assert.match(page.html, /600 s/);
    // The scopes now exist, with a description naming the API.
    const scopes = await ui.get("/admin/ui/scopes");
    assert.match(scopes.html, /mcp:admin on Example MCP/);
    page = await ui.get(`/admin/ui/resources?edit=${encodeURIComponent(API)}`);
    assert.match(page.html, /Edit API https:\/\/mcp\.example\.com\/mcp/);
    page = await ui.post("/admin/ui/resources", {
      _action: "save",
      editing: "yes",
      identifier: API,
      name: "Renamed MCP",
      scopes: "mcp:tools",
      token_format: "",
      access_token_lifetime: "",
      server_client_id: "demo-web",
    });
    assert.equal(page.status, 400, "demo-web is public");
    assert.match(page.html, /confidential client/);
    page = await ui.post("/admin/ui/resources", {
      _action: "save",
      editing: "yes",
      identifier: API,
      name: "Renamed MCP",
      scopes: "mcp:tools",
      token_format: "",
      access_token_lifetime: "",
      is_default: "on",
    });
    assert.equal(page.status, 303);
    page = await ui.get("/admin/ui/resources");
    assert.match(page.html, /Renamed MCP/);
    assert.match(page.html, /default/);
    // Delete: first the confirmation step, then the deletion.
    page = await ui.post("/admin/ui/resources", {
      _action: "delete",
      identifier: API,
    });
    assert.equal(page.status, 200);
    assert.match(page.html, /Delete API https:\/\/mcp\.example\.com\/mcp\?/);
    page = await ui.post("/admin/ui/resources", {
      _action: "delete",
      identifier: API,
      confirm: "yes",
    });
    assert.equal(page.status, 303);
    page = await ui.get("/admin/ui/resources");
    assert.match(page.html, /No APIs yet/);
    const audit = await ui.get("/admin/ui/audit");
    assert.match(audit.html, /resource\.deleted/);
  } finally {
    await ui.t.close();
  }
});

Deno.test("admin UI: registration policy, initial access tokens shown once, self-registered clients listed and disabled", async () => {
  const ui = await startAdminUI();
  try {
    let page = await ui.get("/admin/ui/registration");
    assert.equal(page.status, 200);
    assert.match(page.html, /open to anyone/);
    page = await ui.post("/admin/ui/registration", {
      _action: "settings",
      public_clients: "initial-access-token",
      confidential_clients: "off",
      metadata_documents: "on",
      allowed_hosts: "",
      denied_hosts: "evil.example",
      min_cache_seconds: "600",
      max_cache_seconds: "60",
    });
    assert.equal(page.status, 400);
    assert.match(page.html, /must not exceed max_cache_seconds/);
    page = await ui.post("/admin/ui/registration", {
      _action: "settings",
      public_clients: "initial-access-token",
      confidential_clients: "off",
      metadata_documents: "on",
      allowed_hosts: "",
      denied_hosts: "evil.example",
      min_cache_seconds: "600",
      max_cache_seconds: "3600",
    });
    assert.equal(page.status, 303, page.html.slice(0, 400));
    const meta = await (await ui.t.fetch(
      "/.well-known/oauth-authorization-server",
    )).json();
    assert.equal(meta.registration_endpoint, `${ui.t.base}/register`);
    page = await ui.post("/admin/ui/registration", {
      _action: "issue_token",
      description: "partner",
      uses: "1",
      expires_in_days: "1",
    });
    assert.equal(page.status, 201);
    const token = page.html.match(/data-testid="issued-token">([^<]+)</)?.[1];
    assert.ok(token);
    const again = await ui.get("/admin/ui/registration");
    assert.ok(!again.html.includes(token!), "shown once");
    const registered = await ui.t.fetch("/register", {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({
        client_name: "Self-made",
        redirect_uris: ["http://127.0.0.1/cb"],
        token_endpoint_auth_method: "none",
      }),
    });
    const { client_id } = await registered.json();
    assert.equal(registered.status, 201);
    page = await ui.get("/admin/ui/registration");
    assert.match(page.html, /Self-made/);
    assert.match(page.html, /unverified/);
    page = await ui.post("/admin/ui/registration", {
      _action: "disable",
      client_id,
    });
    assert.equal(page.status, 200, "the confirmation step");
    page = await ui.post("/admin/ui/registration", {
      _action: "disable",
      client_id,
      confirm: "yes",
    });
    assert.equal(page.status, 303);
    page = await ui.get("/admin/ui/registration");
    assert.match(page.html, /disabled/);
    const clients = await ui.get("/admin/ui/clients");
    assert.match(clients.html, /unverified/);
  } finally {
    await ui.t.close();
  }
  const pinned = await startAdminUI({
    env: { REGISTRATION_PUBLIC_CLIENTS: "off" },
  });
  try {
    const page = await pinned.get("/admin/ui/registration");
    assert.match(page.html, /Set by an environment variable/);
    assert.match(
      page.html,
      /<select id="public_clients" name="public_clients" disabled/,
    );
  } finally {
    await pinned.t.close();
  }
});

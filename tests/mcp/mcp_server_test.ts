/**
 * examples/mcp-server.ts as a resource server, with plain HTTP: its 401
 * names the RFC 9728 metadata, the metadata names this authorization
 * server, and only tokens whose audience is the MCP server pass: a JWT for
 * another resource is refused, an opaque token is introspected with the
 * MCP server's own credentials (RFC 7662 §2.1).
 */
import assert from "node:assert/strict";
import { createResource } from "../../lib/admin/resources_admin.ts";
import { createMcpDemo, MCP_SCOPE } from "../../examples/mcp-server.ts";
import { addClient, addUser, grant } from "../helpers/clients.ts";
import { startTestApp } from "../helpers/test_app.ts";
import { loadClient } from "../../lib/oauth/clients/registry.ts";
import { mintTokens } from "../../lib/oauth/tokens/mint.ts";
import { storeTokens } from "../../lib/oauth/tokens/store.ts";
import { requestedResources } from "../../lib/oauth/resources.ts";
import { TOKEN_EXTENSIONS } from "../../lib/provider.ts";

Deno.test.sanitizer({ ops: false, resources: false });

const ADMIN = { actor: "test", ip: null };
const MCP = "http://127.0.0.1:9/mcp";
const OTHER = "https://other.example/api";

Deno.test("MCP demo: 401 with resource_metadata, RFC 9728 metadata, audience-checked JWT and introspected opaque tokens", async () => {
  const t = await startTestApp({ listen: true });
  try {
    const rs = await addClient(t, {
      client_id: "mcp-rs",
      grant_types: ["client_credentials"],
      scope: [],
      redirect_uris: [],
    });
    await createResource(t.deps, ADMIN, {
      identifier: MCP,
      name: "MCP",
      scopes: [MCP_SCOPE],
      server_client_id: "mcp-rs",
    });
    await createResource(t.deps, ADMIN, {
      identifier: OTHER,
      name: "Other",
      scopes: ["other"],
      token_format: "jwt",
    });
    const app = await addClient(t, {
      client_id: "app",
      token_endpoint_auth_method: "none",
      scope: ["openid", MCP_SCOPE, "other"],
    });
    const alice = await addUser(t, "alice");
    const demo = createMcpDemo({
      issuer: t.base,
      resource: MCP,
      introspection: { clientID: "mcp-rs", clientSecret: rs.secret! },
    });
    let res = await demo(new Request(MCP, { method: "POST" }));
    assert.equal(res.status, 401);
    const challenge = res.headers.get("WWW-Authenticate")!;
    assert.match(
      challenge,
      /resource_metadata="http:\/\/127\.0\.0\.1:9\/\.well-known\/oauth-protected-resource\/mcp"/,
    );
    assert.match(challenge, /scope="mcp:tools"/);
    await res.body?.cancel();
    res = await demo(
      new Request(
        "http://127.0.0.1:9/.well-known/oauth-protected-resource/mcp",
      ),
    );
    const metadata = await res.json();
    assert.deepEqual(metadata.authorization_servers, [t.base]);
    assert.equal(metadata.resource, MCP);

    const mint = async (resource: string) => {
      const client = (await loadClient(t.deps, "app"))!;
      const minted = await mintTokens(t.deps, {
        client,
        user: alice,
        scopes: ["openid", MCP_SCOPE, "other"],
        grantID: crypto.randomUUID(),
        refreshToken: false,
        audience: await requestedResources(t.deps, client, [resource]),
      }, TOKEN_EXTENSIONS);
      await storeTokens(t.deps.db, minted);
      return minted.response.access_token;
    };
    const call = (token: string) =>
      demo(
        new Request(MCP, {
          method: "POST",
          headers: {
            Authorization: `Bearer ${token}`,
            "Content-Type": "application/json",
            Accept: "application/json, text/event-stream",
          },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "tools/call",
            params: { name: "whoami", arguments: {} },
          }),
        }),
      );
    // An opaque token for the MCP server, introspected by it.
    const opaque = await mint(MCP);
    assert.equal(opaque.split(".").length, 1);
    res = await call(opaque);
    const body = await res.json();
    assert.equal(res.status, 200, JSON.stringify(body));
    assert.match(body.result.content[0].text, new RegExp(alice.id));
    // A JWT for another API: refused here.
    const foreign = await mint(OTHER);
    res = await call(foreign);
    assert.equal(res.status, 401);
    assert.match(res.headers.get("WWW-Authenticate")!, /invalid_token/);
    await res.body?.cancel();
    // A token of the client's own (no resource): not for this audience.
    const legacy = await grant(t, app, alice, ["openid", MCP_SCOPE]);
    res = await call(legacy.access_token);
    assert.equal(res.status, 401);
    await res.body?.cancel();
  } finally {
    await t.close();
  }
});

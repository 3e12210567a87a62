/**
 * oauth4webapi 3 judges what MCP clients rely on: the RFC 8414 metadata
 * (both well-known forms, consistent with OIDC discovery), RFC 7591
 * dynamic registration, RFC 8707 resource indicators at the token
 * endpoint (code, refresh, client_credentials) and the RFC 9068 JWT access
 * token a resource server validates against its own identifier.
 * @module
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import { browse, startServer } from "./rp_fixture.ts";
import { completeSetupFor, startTestApp } from "../helpers/test_app.ts";
import { seedDemo } from "../helpers/oauth.ts";
import { createResource } from "../../lib/admin/resources_admin.ts";

Deno.test.sanitizer({ ops: false, resources: false });

const INSECURE = { [oauth.allowInsecureRequests]: true } as const;
const API = "https://api.example.test/mcp";
const ADMIN = { actor: "test", ip: null };

Deno.test("oauth4webapi: RFC 8414 metadata lists registration, metadata documents, PKCE and resources, and agrees with OIDC discovery", async () => {
  const t = await startServer();
  try {
    await createResource(t.deps, ADMIN, {
      identifier: API,
      name: "MCP",
      scopes: ["mcp:tools"],
    });
    const issuer = new URL(t.base);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, {
        ...INSECURE,
        algorithm: "oauth2",
      }),
    );
    assert.equal(as.registration_endpoint, `${t.base}/register`);
    assert.equal(as.client_id_metadata_document_supported, true);
    assert.deepEqual(as.code_challenge_methods_supported, ["S256"]);
    assert.deepEqual(as.protected_resources, [API]);
    assert.ok((as.scopes_supported as string[]).includes("mcp:tools"));
    const oidc = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, INSECURE),
    );
    for (const [member, value] of Object.entries(as)) {
      assert.deepEqual(oidc[member], value, `${member} agrees`);
    }
    assert.equal(as.userinfo_endpoint, undefined, "OIDC members stay OIDC's");
  } finally {
    await t.close();
  }
});

Deno.test("oauth4webapi: the path-inserted RFC 8414 form for an issuer with a path", async () => {
  const t = await startTestApp({
    env: { ISSUER: "http://127.0.0.1:8000/tenant" },
  });
  try {
    const issuer = new URL(t.base);
    const res = await t.fetch(
      "http://127.0.0.1:8000/.well-known/oauth-authorization-server/tenant",
    );
    const as = await oauth.processDiscoveryResponse(issuer, res);
    assert.equal(as.issuer, "http://127.0.0.1:8000/tenant");
    const other = await t.fetch(
      "http://127.0.0.1:8000/.well-known/oauth-authorization-server/other",
    );
    assert.equal(other.status, 404);
    await other.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("oauth4webapi: a public client registers itself (RFC 7591), gets a code and tokens for a resource, refreshes for it; the JWT validates with the resource as audience (RFC 9068)", async () => {
  const t = await startServer();
  try {
    await createResource(t.deps, ADMIN, {
      identifier: API,
      name: "MCP",
      scopes: ["mcp:tools"],
      token_format: "jwt",
    });
    const issuer = new URL(t.base);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, {
        ...INSECURE,
        algorithm: "oauth2",
      }),
    );
    const redirectURI = "http://127.0.0.1:4545/callback";
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(as, {
        client_name: "o4w MCP client",
        redirect_uris: [redirectURI],
        grant_types: ["authorization_code", "refresh_token"],
        token_endpoint_auth_method: "none",
        application_type: "native",
        scope: "mcp:tools offline_access",
      }, INSECURE),
    );
    const client: oauth.Client = {
      client_id: registered.client_id,
      token_endpoint_auth_method: "none",
    };
    assert.match(client.client_id, /^dcr-/);
    assert.equal(typeof registered.registration_access_token, "string");
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: client.client_id,
      response_type: "code",
      // RFC 8252 §7.3: any port on the loopback IP.
      redirect_uri: "http://127.0.0.1:5151/callback",
      scope: "mcp:tools offline_access",
      resource: API,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    }).toString();
    const browsed = await browse(t, url);
    assert.ok(browsed.pages.includes("Allow access?"), "always consent");
    const params = oauth.validateAuthResponse(
      as,
      client,
      browsed.callback!,
      oauth.expectNoState,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.None(),
        params,
        "http://127.0.0.1:5151/callback",
        verifier,
        { ...INSECURE, additionalParameters: { resource: API } },
      ),
    );
    assert.equal(tokens.scope, "mcp:tools offline_access");
    const claims = await oauth.validateJwtAccessToken(
      as,
      new Request(API, {
        headers: { Authorization: `Bearer ${tokens.access_token}` },
      }),
      API,
      INSECURE,
    );
    assert.equal(claims.client_id, client.client_id);
    // The same token is not for another audience.
    await assert.rejects(
      oauth.validateJwtAccessToken(
        as,
        new Request(API, {
          headers: { Authorization: `Bearer ${tokens.access_token}` },
        }),
        "https://other.example/",
        INSECURE,
      ),
    );
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.None(),
        tokens.refresh_token!,
        { ...INSECURE, additionalParameters: { resource: API } },
      ),
    );
    const again = await oauth.validateJwtAccessToken(
      as,
      new Request(API, {
        headers: { Authorization: `Bearer ${refreshed.access_token}` },
      }),
      API,
      INSECURE,
    );
    assert.equal(again.aud, API);
    // An unknown resource is invalid_target, as oauth4webapi reads it.
    await assert.rejects(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(
          as,
          client,
          oauth.None(),
          refreshed.refresh_token!,
          {
            ...INSECURE,
            additionalParameters: { resource: "https://unknown.example/" },
          },
        ),
      ),
      (err: unknown) =>
        err instanceof oauth.ResponseBodyError &&
        err.error === "invalid_target",
    );
  } finally {
    await t.close();
  }
});

Deno.test("oauth4webapi: client_credentials with a resource; dynamic registration of a confidential client needs an initial access token by default", async () => {
  const t = await startTestApp({ listen: true });
  try {
    await completeSetupFor(t);
    await seedDemo(t);
    await createResource(t.deps, ADMIN, {
      identifier: API,
      name: "MCP",
      scopes: ["mcp:tools"],
      token_format: "jwt",
    });
    const issuer = new URL(t.base);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, {
        ...INSECURE,
        algorithm: "oauth2",
      }),
    );
    const refused = await oauth.dynamicClientRegistrationRequest(as, {
      redirect_uris: ["https://svc.example/cb"],
      grant_types: ["client_credentials"],
      token_endpoint_auth_method: "client_secret_basic",
    }, INSECURE);
    assert.equal(refused.status, 401);
    assert.match(
      refused.headers.get("WWW-Authenticate") ?? "",
      /error="invalid_token"/,
    );
    await refused.body?.cancel();
    const { issueInitialAccessToken } = await import(
      "../../lib/admin/registration_admin.ts"
    );
    const iat = await issueInitialAccessToken(t.deps, ADMIN, { uses: 1 });
    const registered = await oauth.processDynamicClientRegistrationResponse(
      await oauth.dynamicClientRegistrationRequest(as, {
        redirect_uris: ["https://svc.example/cb"],
        grant_types: ["client_credentials"],
        token_endpoint_auth_method: "client_secret_basic",
        scope: "mcp:tools",
      }, { ...INSECURE, initialAccessToken: iat.token }),
    );
    const client: oauth.Client = { client_id: registered.client_id };
    const tokens = await oauth.processClientCredentialsResponse(
      as,
      client,
      await oauth.clientCredentialsGrantRequest(
        as,
        client,
        oauth.ClientSecretBasic(registered.client_secret as string),
        { resource: API, scope: "mcp:tools" },
        INSECURE,
      ),
    );
    const claims = await oauth.validateJwtAccessToken(
      as,
      new Request(API, {
        headers: { Authorization: `Bearer ${tokens.access_token}` },
      }),
      API,
      INSECURE,
    );
    assert.equal(claims.sub, registered.client_id);
    // The token was used up.
    const second = await oauth.dynamicClientRegistrationRequest(as, {
      redirect_uris: ["https://svc.example/cb"],
      grant_types: ["client_credentials"],
      token_endpoint_auth_method: "client_secret_basic",
    }, { ...INSECURE, initialAccessToken: iat.token });
    assert.equal(second.status, 401);
    await second.body?.cancel();
  } finally {
    await t.close();
  }
});

/**
 * openid-client 6 and oauth4webapi 3 — strict, certified relying-party
 * libraries — as judges of our protocol responses, over a real port.
 */
import assert from "node:assert/strict";
import * as client from "openid-client";
import * as oauth from "oauth4webapi";
import {
  createClient,
  DEMO_REDIRECT,
  runAuthorize,
  seedDemo,
} from "../helpers/oauth.ts";
import {
  completeSetupFor,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";

async function withServer(fn: (t: TestApp) => Promise<void>): Promise<void> {
  const t = await startTestApp({ listen: true });
  try {
    await completeSetupFor(t);
    await seedDemo(t);
    await fn(t);
  } finally {
    await t.close();
  }
}

/** Follows an authorization URL as a browser would, answering the forms. */
async function browse(t: TestApp, url: URL): Promise<URL> {
  const params = Object.fromEntries(url.searchParams) as {
    client_id: string;
  };
  const flow = await runAuthorize(t, params);
  if (!flow.location) throw new Error(`no redirect: ${flow.response.status}`);
  return flow.location;
}

Deno.test("openid-client: discovery, code + PKCE, ID token, userinfo, refresh, introspection, revocation, end session", async () => {
  await withServer(async (t) => {
    const config = await client.discovery(
      new URL(t.base),
      "demo-web",
      undefined,
      client.None(),
      { execute: [client.allowInsecureRequests] },
    );
    assert.equal(config.serverMetadata().issuer, t.base);
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: DEMO_REDIRECT,
      scope: "openid profile email offline_access",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      nonce,
      state,
    });
    const callback = await browse(t, url);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    assert.equal(claims.iss, t.base);
    assert.equal(claims.aud, "demo-web");
    assert.equal(claims.email, "alice@example.com");

    const userinfo = await client.fetchUserInfo(
      config,
      tokens.access_token,
      claims.sub,
    );
    assert.equal(userinfo.preferred_username, "alice");
    assert.equal(userinfo.email_verified, true);

    const refreshed = await client.refreshTokenGrant(
      config,
      tokens.refresh_token!,
    );
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    assert.equal(refreshed.claims()!.sub, claims.sub);

    const live = await client.tokenIntrospection(
      config,
      refreshed.access_token,
    );
    assert.equal(live.active, true);
    assert.equal(live.client_id, "demo-web");
    assert.equal(live.username, "alice");

    await client.tokenRevocation(config, refreshed.refresh_token!);
    const dead = await client.tokenIntrospection(
      config,
      refreshed.access_token,
    );
    assert.deepEqual(dead, { active: false });

    const endSession = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: "http://localhost:3000/",
      state: "bye",
    });
    const res = await fetch(endSession, { redirect: "manual" });
    await res.body?.cancel();
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.get("Location"),
      "http://localhost:3000/?state=bye",
    );
  });
});

Deno.test("openid-client: a confidential client with client_secret_basic and client_credentials", async () => {
  await withServer(async (t) => {
    const svc = await createClient(t, {
      client_id: "svc",
      grant_types: ["client_credentials"],
      scope: "files.read",
      token_endpoint_auth_method: "client_secret_basic",
    });
    const config = await client.discovery(
      new URL(t.base),
      svc.client_id,
      undefined,
      client.ClientSecretBasic(svc.client_secret!),
      { execute: [client.allowInsecureRequests] },
    );
    const tokens = await client.clientCredentialsGrant(config, {
      scope: "files.read",
    });
    assert.equal(tokens.token_type, "bearer");
    assert.equal(tokens.scope, "files.read");
    const wrong = await client.discovery(
      new URL(t.base),
      svc.client_id,
      undefined,
      client.ClientSecretBasic("wrong-secret"),
      { execute: [client.allowInsecureRequests] },
    );
    await assert.rejects(
      () => client.clientCredentialsGrant(wrong, { scope: "files.read" }),
      // A 401 carrying a Basic challenge surfaces as a challenge error.
      (err: unknown) =>
        (err as Error).name === "WWWAuthenticateChallengeError" &&
        (err as { status?: number }).status === 401,
    );
  });
});

Deno.test("oauth4webapi: strict code flow with the RFC 9207 iss check", async () => {
  await withServer(async (t) => {
    const issuer = new URL(t.base);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, {
        [oauth.allowInsecureRequests]: true,
      }),
    );
    const rp: oauth.Client = { client_id: "demo-web" };
    const auth = oauth.None();
    const verifier = oauth.generateRandomCodeVerifier();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint!);
    url.search = new URLSearchParams({
      client_id: "demo-web",
      response_type: "code",
      redirect_uri: DEMO_REDIRECT,
      scope: "openid email",
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      nonce,
    }).toString();
    const callback = await browse(t, url);
    // Throws unless iss in the response equals the issuer (RFC 9207).
    const params = oauth.validateAuthResponse(as, rp, callback);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      rp,
      auth,
      params,
      DEMO_REDIRECT,
      verifier,
      { [oauth.allowInsecureRequests]: true },
    );
    const result = await oauth.processAuthorizationCodeResponse(
      as,
      rp,
      response,
      {
        expectedNonce: nonce,
        requireIdToken: true,
      },
    );
    const claims = oauth.getValidatedIdTokenClaims(result)!;
    assert.equal(claims.iss, t.base);
    assert.equal(claims.nonce, nonce);

    // A response claiming another issuer is refused by the client.
    const forged = new URL(callback);
    forged.searchParams.set("iss", "https://evil.example");
    assert.throws(() => oauth.validateAuthResponse(as, rp, forged));
  });
});

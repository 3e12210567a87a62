/**
 * A person in Chromium (Playwright) signs in and consents, and a real
 * relying party receives the answer: a tiny callback server on a free
 * loopback port, registered as the client's redirect URI, captures the
 * callback, and openid-client (form_post) or oauth4webapi (query) finishes
 * the flow. This is where the pages' CSP meets a real browser: the sign-in
 * and consent forms must be allowed to lead to the client, and the
 * form_post page must submit itself.
 * @module
 */
import assert from "node:assert/strict";
import * as oauth from "oauth4webapi";
import * as client from "openid-client";
import type { Browser, Page } from "playwright-core";
import {
  chromiumAvailable,
  launchChromium,
  screenshot,
} from "../helpers/browser.ts";
import { findUserByCanonicalUsername } from "../../lib/db/users.ts";
import { loadClient } from "../../lib/oauth/clients/registry.ts";
import { mintTokens } from "../../lib/oauth/tokens/mint.ts";
import { storeTokens } from "../../lib/oauth/tokens/store.ts";
import { TOKEN_EXTENSIONS } from "../../lib/provider.ts";
import type { TestApp } from "../helpers/test_app.ts";
import {
  atHash,
  type CallbackServer,
  type Captured,
  registerRP,
  startCallbackServer,
  startServer,
} from "./rp_fixture.ts";

const CALLBACK_TIMEOUT_MS = 15_000;

/** Waits for the callback, failing (not hanging) if it never comes. */
async function callbackOf(cb: CallbackServer): Promise<Captured> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error("the browser never reached the callback")),
      CALLBACK_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([cb.received, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Signs in as alice and allows, as a person would, with screenshots. */
async function signInAndAllow(page: Page, name: string): Promise<void> {
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Password").fill("alice");
  await screenshot(page, `${name}-sign-in`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Allow access?" }).waitFor();
  await screenshot(page, `${name}-consent`);
  await page.getByRole("button", { name: "Allow" }).click();
}

Deno.test.sanitizer({ ops: false, resources: false });

const HAVE_CHROMIUM = chromiumAvailable();
let t: TestApp;
let browser: Browser;

Deno.test.beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  t = await startServer();
  browser = await launchChromium();
});

Deno.test.afterAll(async () => {
  if (!HAVE_CHROMIUM) return;
  await browser.close();
  await t.close();
});

interface Harness {
  t: TestApp;
  cb: CallbackServer;
  errors: string[];
  page: Page;
  close(): Promise<void>;
}

/** A fresh browser context (no cookies) and a fresh RP callback server. */
async function harness(): Promise<Harness> {
  const cb = startCallbackServer();
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") {
      errors.push(`${msg.text()} (${msg.location().url})`);
    }
  });
  return {
    t,
    cb,
    errors,
    page,
    async close() {
      await context.close();
      await cb.close();
    },
  };
}

Deno.test({
  name:
    "browser + openid-client: Chromium signs in and consents; the form_post answer reaches the RP, which completes code + PKCE",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const h = await harness();
    try {
      const rp = await registerRP(h.t, {
        client_id: "browser-openid-client",
        client_name: "Photo app (openid-client)",
        redirect_uris: [h.cb.redirectURI],
        token_endpoint_auth_method: "none",
      });
      const config = await client.discovery(
        new URL(h.t.base),
        rp.clientID,
        undefined,
        client.None(),
        { execute: [client.allowInsecureRequests] },
      );
      client.enableNonRepudiationChecks(config);
      const verifier = client.randomPKCECodeVerifier();
      const nonce = client.randomNonce();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: h.cb.redirectURI,
        scope: "openid profile email",
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        response_mode: "form_post",
        nonce,
        state,
      });

      await h.page.goto(url.href);
      await signInAndAllow(h.page, "rp-openid-client");
      // The server's form_post page submits itself to the RP.
      const captured = await callbackOf(h.cb);
      await h.page.getByRole("heading", { name: "Back at the app" }).waitFor();
      await screenshot(h.page, "rp-openid-client-callback");
      assert.equal(captured.method, "POST");
      assert.equal(captured.contentType, "application/x-www-form-urlencoded");

      const request = new Request(captured.url, {
        method: "POST",
        headers: { "Content-Type": captured.contentType! },
        body: captured.body,
      });
      const tokens = await client.authorizationCodeGrant(config, request, {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        expectedState: state,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      assert.equal(claims.iss, h.t.base);
      assert.equal(claims.aud, rp.clientID);
      assert.equal(claims.name, "Alice Liddell");
      assert.equal(claims.at_hash, atHash(tokens.access_token));
      const info = await client.fetchUserInfo(
        config,
        tokens.access_token,
        claims.sub,
      );
      assert.equal(info.email, "alice@example.com");
      assert.deepEqual(h.errors, [], "no script or CSP errors in the pages");
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name:
    "browser + oauth4webapi: Chromium signs in and consents; the query callback reaches a confidential RP (client_secret_basic)",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const h = await harness();
    try {
      const rp = await registerRP(h.t, {
        client_id: "browser-oauth4webapi",
        client_name: "Notes app (oauth4webapi)",
        redirect_uris: [h.cb.redirectURI],
        token_endpoint_auth_method: "client_secret_basic",
      });
      const INSECURE = { [oauth.allowInsecureRequests]: true } as const;
      const issuer = new URL(h.t.base);
      const as = await oauth.processDiscoveryResponse(
        issuer,
        await oauth.discoveryRequest(issuer, INSECURE),
      );
      const rpClient: oauth.Client = { client_id: rp.clientID };
      const verifier = oauth.generateRandomCodeVerifier();
      const nonce = oauth.generateRandomNonce();
      const state = oauth.generateRandomState();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        client_id: rp.clientID,
        response_type: "code",
        redirect_uri: h.cb.redirectURI,
        scope: "openid email offline_access",
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        nonce,
        state,
      }).toString();

      await h.page.goto(url.href);
      await signInAndAllow(h.page, "rp-oauth4webapi");
      const captured = await callbackOf(h.cb);
      await h.page.getByRole("heading", { name: "Back at the app" }).waitFor();
      assert.equal(captured.method, "GET");

      const params = oauth.validateAuthResponse(
        as,
        rpClient,
        captured.url,
        state,
      );
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        rpClient,
        oauth.ClientSecretBasic(rp.secret!),
        params,
        h.cb.redirectURI,
        verifier,
        INSECURE,
      );
      const result = await oauth.processAuthorizationCodeResponse(
        as,
        rpClient,
        response,
        { expectedNonce: nonce, requireIdToken: true },
      );
      await oauth.validateApplicationLevelSignature(as, response, INSECURE);
      const claims = oauth.getValidatedIdTokenClaims(result)!;
      assert.equal(claims.email, "alice@example.com");
      assert.ok(result.refresh_token, "offline_access was allowed");
      const info = await oauth.processUserInfoResponse(
        as,
        rpClient,
        claims.sub,
        await oauth.userInfoRequest(
          as,
          rpClient,
          result.access_token,
          INSECURE,
        ),
      );
      assert.equal(info.email_verified, true);
      assert.deepEqual(h.errors, [], "no script or CSP errors in the pages");
    } finally {
      await h.close();
    }
  },
});

Deno.test({
  name:
    "browser SPA: a page on another origin refreshes and then revokes its tokens with fetch (CORS on /token and /revoke)",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const rp = await registerRP(t, {
      client_id: "browser-spa",
      token_endpoint_auth_method: "none",
    });
    const alice = (await findUserByCanonicalUsername(t.deps.db, "alice"))!;
    const spa = await loadClient(t.deps, rp.clientID);
    const minted = await mintTokens(t.deps, {
      client: spa!,
      user: alice,
      scopes: ["openid", "offline_access"],
      grantID: crypto.randomUUID(),
      refreshToken: true,
    }, TOKEN_EXTENSIONS);
    await storeTokens(t.deps.db, minted);
    // The app's own origin: a page served by another loopback server.
    const app = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () =>
        new Response("<!DOCTYPE html><title>app</title>", {
          headers: { "Content-Type": "text/html" },
        }),
    );
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const port = (app.addr as Deno.NetAddr).port;
      await page.goto(`http://localhost:${port}/`);
      const results = await page.evaluate(async ([base, clientID, refresh]) => {
        const post = async (path: string, fields: Record<string, string>) => {
          const res = await fetch(`${base}${path}`, {
            method: "POST",
            headers: { "Content-Type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(fields),
          });
          return { status: res.status, text: await res.text() };
        };
        const refreshed = await post("/token", {
          grant_type: "refresh_token",
          client_id: clientID,
          refresh_token: refresh,
        });
        const next = JSON.parse(refreshed.text);
        const revoked = await post("/revoke", {
          client_id: clientID,
          token: next.refresh_token,
          token_type_hint: "refresh_token",
        });
        return { refreshed: refreshed.status, revoked: revoked.status, next };
      }, [t.base, rp.clientID, minted.response.refresh_token!] as const);
      assert.equal(results.refreshed, 200);
      assert.equal(results.revoked, 200);
      const after = await t.fetch("/introspect", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          client_id: rp.clientID,
          token: results.next.access_token,
        }),
      });
      assert.deepEqual(await after.json(), { active: false });
    } finally {
      await context.close();
      await app.shutdown();
    }
  },
});

Deno.test({
  name:
    "browser native app: Allow on the consent page leads to the app's private-use scheme without a CSP violation",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const redirectURI = "com.example.photos:/oauth2redirect";
    const rp = await registerRP(t, {
      client_id: "browser-native",
      redirect_uris: [redirectURI],
      token_endpoint_auth_method: "none",
    });
    const context = await browser.newContext();
    const violations: string[] = [];
    try {
      const page = await context.newPage();
      page.on("console", (msg) => {
        if (/Content Security Policy/i.test(msg.text())) {
          violations.push(msg.text());
        }
      });
      const verifier = oauth.generateRandomCodeVerifier();
      const url = new URL(`${t.base}/authorize`);
      url.search = new URLSearchParams({
        client_id: rp.clientID,
        response_type: "code",
        redirect_uri: redirectURI,
        scope: "openid profile",
        state: "st-native",
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
      }).toString();
      const answered = page.waitForResponse((res) =>
        res.url().startsWith(`${t.base}/authorize`) &&
        res.request().method() === "POST" && res.status() === 303 &&
        (res.headers()["location"] ?? "").startsWith(redirectURI)
      );
      await page.goto(url.toString());
      await signInAndAllow(page, "native-app");
      const location = new URL((await answered).headers()["location"]);
      assert.equal(location.searchParams.get("state"), "st-native");
      // Give the browser the moment it takes to act on the redirect.
      await page.waitForTimeout(500);
      assert.deepEqual(violations, [], "the CSP let the form lead to the app");
      const tokens = await t.fetch("/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          client_id: rp.clientID,
          code: location.searchParams.get("code")!,
          code_verifier: verifier,
          redirect_uri: redirectURI,
        }),
      });
      assert.equal(tokens.status, 200);
      await tokens.body?.cancel();
    } finally {
      await context.close();
    }
  },
});

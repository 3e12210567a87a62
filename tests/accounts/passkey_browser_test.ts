/**
 * Passkeys as a person uses them, in Chromium with a CDP virtual
 * authenticator (resident keys, user verification): alice signs in to
 * /account/security with her password, adds a passkey (and sees her
 * recovery codes once), then a relying party built on openid-client sends
 * a fresh browser to /authorize, where she signs in with the passkey and
 * no username. The RP's ID token says how: amr with hwk, the
 * phishing-resistant acr. The server runs with the default kind of issuer
 * (http://127.0.0.1:PORT), so the sign-in page links to the localhost
 * address where browsers allow passkeys, and the test follows that link.
 * Also: the account page at 390 px wide.
 * @module
 */
import assert from "node:assert/strict";
import * as client from "openid-client";
import type { Browser, CDPSession, Page } from "playwright-core";
import {
  chromiumAvailable,
  launchChromium,
  screenshot,
} from "../helpers/browser.ts";
import { upsertPolicyForTest } from "../helpers/policy.ts";
import {
  registerRP,
  startCallbackServer,
  startServer,
} from "../clients/rp_fixture.ts";
import type { TestApp } from "../helpers/test_app.ts";

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

/** The same server by the name browsers accept passkeys for. */
function localhost(path = ""): string {
  return t.base.replace("127.0.0.1", "localhost") + path;
}

/** A virtual platform authenticator with resident keys and user verification. */
async function virtualAuthenticator(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return cdp;
}

function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(msg.text());
  });
  return errors;
}

async function passwordSignIn(page: Page): Promise<void> {
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Password").fill("alice");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

Deno.test({
  name:
    "passkey (Chromium, virtual authenticator): registered on /account/security, then a usernameless sign-in through openid-client's code flow; amr has hwk, acr is phishing-resistant",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const cb = startCallbackServer();
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const errors = collectErrors(page);
      await virtualAuthenticator(page);

      // At 127.0.0.1 the page says where passkeys work (the security page
      // sends a browser without a session to sign in, then back).
      await page.goto(`${t.base}/account/security`);
      await passwordSignIn(page);
      await page.getByRole("heading", { name: "Sign-in and security" })
        .waitFor();
      const link = page.getByRole("link", { name: /localhost/ });
      assert.equal(
        await link.getAttribute("href"),
        localhost("/account/security"),
      );

      // At localhost: sign in again (its own cookies) and add a passkey.
      await page.goto(localhost("/account/security"));
      await passwordSignIn(page);
      await page.getByLabel("Name for the new passkey").fill("Test laptop");
      await page.locator("button[data-hydrated]", { hasText: "Add a passkey" })
        .click();
      await page.getByRole("heading", { name: "Your recovery codes" })
        .waitFor();
      assert.equal(await page.locator("#recovery-code-list li").count(), 10);
      await page.getByRole("link", { name: "I have saved them" }).click();
      await page.getByText("Test laptop", { exact: false }).first().waitFor();
      await page.setViewportSize({ width: 390, height: 844 });
      await screenshot(page, "account-security-390");
      const scrollWidth = await page.evaluate(() =>
        document.documentElement.scrollWidth
      );
      assert.ok(scrollWidth <= 390, `no sideways scrolling (${scrollWidth}px)`);
      const stored = await t.deps.db.selectFrom("webauthn_credentials")
        .selectAll().executeTakeFirstOrThrow();
      assert.equal(stored.name, "Test laptop");
      assert.equal(stored.device_type, "singleDevice");

      // A relying party sends a browser with no session to /authorize.
      await context.clearCookies();
      const rp = await registerRP(t, {
        client_id: "passkey-rp",
        client_name: "Passkey RP",
        redirect_uris: [cb.redirectURI],
        token_endpoint_auth_method: "none",
      });
      await upsertPolicyForTest(t, "passkey-rp", { require_second_factor: 1 });
      const config = await client.discovery(
        new URL(t.base),
        rp.clientID,
        undefined,
        client.None(),
        { execute: [client.allowInsecureRequests] },
      );
      const verifier = client.randomPKCECodeVerifier();
      const nonce = client.randomNonce();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: cb.redirectURI,
        scope: "openid profile",
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        nonce,
        state,
      });
      await page.goto(url.href);
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      assert.equal(
        await page.getByLabel("Username").getAttribute("autocomplete"),
        "username",
        "no passkey autofill where the browser cannot use one",
      );
      // At localhost the sign-in page asks the browser for passkeys in the
      // username field's autofill (conditional mediation); the virtual
      // authenticator answers it at once, as a person picking their
      // passkey from the autofill list would: no username typed.
      await page.getByRole("link", { name: /localhost/ }).click();
      await page.getByRole("heading", { name: "Allow access?" }).waitFor();
      await page.getByRole("button", { name: "Allow" }).click();
      const captured = await cb.received;
      const tokens = await client.authorizationCodeGrant(
        config,
        captured.url,
        {
          pkceCodeVerifier: verifier,
          expectedNonce: nonce,
          expectedState: state,
          idTokenExpected: true,
        },
      );
      const claims = tokens.claims()!;
      assert.equal(claims.iss, t.base);
      assert.ok(
        (claims.amr as string[]).includes("hwk") ||
          (claims.amr as string[]).includes("swk"),
        `amr ${claims.amr}`,
      );
      assert.deepEqual(claims.amr, ["hwk", "user", "mfa"]);
      assert.equal(claims.acr, "phrh");
      assert.equal(typeof claims.auth_time, "number");
      const used = await t.deps.db.selectFrom("webauthn_credentials")
        .selectAll().executeTakeFirstOrThrow();
      assert.notEqual(used.last_used_at, null);
      assert.deepEqual(errors, [], "no script or CSP errors");
    } finally {
      await context.close();
      await cb.close();
    }
  },
});

/**
 * In Chromium (Playwright), as a person meets it: an app built on
 * openid-client asks for German with `ui_locales=de` while the browser
 * itself prefers English; every page of the flow (sign-in, its error,
 * consent) is German and says so, and the code flow completes, judged by
 * openid-client. Then the branded sign-in page: the accent, the logo and
 * the support link arrive through the unchanged CSP (no violation is
 * reported) and the colours in force are the brand's.
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as client from "openid-client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { contentSecurityPolicy } from "../../lib/security/csp.ts";
import { chromiumAvailable, launchChromium } from "../helpers/browser.ts";
import { seedDemo } from "../helpers/oauth.ts";
import {
  completeSetupFor,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import {
  type CallbackServer,
  registerRP,
  startCallbackServer,
} from "../clients/rp_fixture.ts";

Deno.test.sanitizer({ ops: false, resources: false });

const HAVE_CHROMIUM = chromiumAvailable();
let t: TestApp;
let adminToken = "";
let browser: Browser;

Deno.test.beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  t = await startTestApp({ listen: true });
  adminToken = await completeSetupFor(t);
  await seedDemo(t);
  browser = await launchChromium();
});

Deno.test.afterAll(async () => {
  if (!HAVE_CHROMIUM) return;
  await browser.close();
  await t.close();
});

/** A context whose browser prefers English, with every console error kept. */
async function englishBrowser(): Promise<
  { context: BrowserContext; page: Page; errors: string[] }
> {
  const context = await browser.newContext({ locale: "en-US" });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(err.message));
  page.on("console", (msg) => {
    // The wrong password's page answers 401, which Chromium logs; that
    // is the page working, not an error of it.
    if (msg.type() === "error" && !/status of 401/.test(msg.text())) {
      errors.push(msg.text());
    }
  });
  return { context, page, errors };
}

async function received(cb: CallbackServer): Promise<URL> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return (await Promise.race([
      cb.received,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error("the browser never reached the callback")),
          15_000,
        );
      }),
    ])).url;
  } finally {
    clearTimeout(timer);
  }
}

Deno.test({
  name:
    "languages in Chromium: ui_locales=de gives German pages all the way and openid-client completes the code flow",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const cb = startCallbackServer();
    const { context, page, errors } = await englishBrowser();
    try {
      const rp = await registerRP(t, {
        client_id: "german-app",
        client_name: "Fotoalbum",
        redirect_uris: [cb.redirectURI],
        token_endpoint_auth_method: "none",
      });
      const config = await client.discovery(
        new URL(t.base),
        rp.clientID,
        undefined,
        client.None(),
        { execute: [client.allowInsecureRequests] },
      );
      assert.deepEqual(
        config.serverMetadata().ui_locales_supported,
        ["en", "de"],
      );
      const verifier = client.randomPKCECodeVerifier();
      const nonce = client.randomNonce();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: cb.redirectURI,
        scope: "openid profile email",
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        ui_locales: "de-DE de",
        nonce,
        state,
      });

      await page.goto(url.href);
      await page.getByRole("heading", { name: "Anmelden" }).waitFor();
      assert.equal(
        await page.evaluate(() => document.documentElement.lang),
        "de",
      );
      assert.equal(await page.title(), "Anmelden");
      await page.getByText("um mit Fotoalbum fortzufahren").waitFor();

      // A wrong password, answered in German.
      await page.getByLabel("Benutzername").fill("alice");
      await page.getByLabel("Passwort").fill("falsch");
      await page.getByRole("button", { name: "Anmelden", exact: true }).click();
      await page.getByRole("alert").filter({
        hasText: "Benutzername oder Passwort ist falsch.",
      }).waitFor();
      assert.equal(
        await page.evaluate(() => document.documentElement.lang),
        "de",
      );

      await page.getByLabel("Benutzername").fill("alice");
      await page.getByLabel("Passwort").fill("alice");
      await page.getByRole("button", { name: "Anmelden", exact: true }).click();
      await page.getByRole("heading", { name: "Zugriff erlauben?" }).waitFor();
      await page.getByText("Fotoalbum möchte:").waitFor();
      await page.getByText("Ihre E-Mail-Adresse sehen").waitFor();
      await page.getByRole("button", { name: "Erlauben" }).click();

      const callback = await received(cb);
      const tokens = await client.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        expectedState: state,
        idTokenExpected: true,
      });
      const claims = tokens.claims()!;
      assert.equal(claims.iss, t.base);
      assert.equal(claims.aud, rp.clientID);
      assert.equal(claims.nonce, nonce);
      assert.deepEqual(errors, [], "no script or CSP errors on the way");
    } finally {
      await context.close();
      await cb.close();
    }
  },
});

/** An admin API call that must succeed. */
async function admin(method: string, path: string, body: unknown) {
  const res = await t.fetch(path, {
    method,
    headers: {
      "X-Admin-Token": adminToken,
      "Content-Type": "application/json",
    },
    body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${method} ${path}: ${await res.text()}`);
}

/** demo-web's sign-in page (the seed's client, redirecting to :3000). */
const SIGN_IN = `/authorize?${new URLSearchParams({
  client_id: "demo-web",
  response_type: "code",
  redirect_uri: "http://localhost:3000/callback",
  scope: "openid",
  code_challenge: "a".repeat(43),
  code_challenge_method: "S256",
})}`;

Deno.test({
  name:
    "branding in Chromium: the sign-in page wears the brand's accent, logo and support link under the same CSP, with no violation",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const { context, page, errors } = await englishBrowser();
    const violations: string[] = [];
    try {
      const before = await t.fetch(SIGN_IN, {
        headers: { Accept: "text/html" },
      });
      await before.body?.cancel();
      const cspBefore = before.headers.get("Content-Security-Policy");
      assert.equal(
        cspBefore,
        contentSecurityPolicy(["http://localhost:3000"]),
      );
      await admin("PATCH", "/admin/branding", {
        name: "Acme",
        accent_color: "#0b6e4f",
        support_url: "https://help.acme.example/",
      });
      const png = Buffer.from(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
        "base64",
      ).toString("base64");
      await admin("PUT", "/admin/branding/logo", { data: png });

      await page.exposeFunction("reportViolation", (v: string) => {
        violations.push(v);
      });
      await page.addInitScript(() => {
        document.addEventListener("securitypolicyviolation", (e) => {
          // deno-lint-ignore no-explicit-any
          (globalThis as any).reportViolation(
            `${e.violatedDirective} ${e.blockedURI}`,
          );
        });
      });
      const res = await page.goto(`${t.base}${SIGN_IN}`);
      assert.equal(
        res!.headers()["content-security-policy"],
        cspBefore,
        "the same CSP as without branding",
      );
      await page.getByRole("heading", { name: "Sign in" }).waitFor();
      assert.equal(await page.title(), "Sign in · Acme");
      const look = await page.evaluate(() => {
        const button = document.querySelector('button[type="submit"]')!;
        const logo = document.querySelector<HTMLImageElement>(".brand-logo")!;
        return {
          accent: getComputedStyle(document.documentElement)
            .getPropertyValue("--accent").trim(),
          button: getComputedStyle(button).backgroundColor,
          logoLoaded: logo.complete && logo.naturalWidth > 0,
          support: document.querySelector(".site-footer a")
            ?.getAttribute("href"),
        };
      });
      assert.deepEqual(look, {
        accent: "#0b6e4f",
        button: "rgb(11, 110, 79)",
        logoLoaded: true,
        support: "https://help.acme.example/",
      });
      assert.deepEqual(violations, [], "no CSP violation");
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  },
});

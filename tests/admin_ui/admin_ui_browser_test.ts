/**
 * The admin UI in Chromium, as an administrator uses it: sign in, create a
 * scope and a client through the islands, set the client's policy, rotate a
 * key, create a user; then that user signs in to the new client, consents,
 * and the browser is sent to the client's callback with a code. Every page
 * is also checked at 375 px for horizontal scrolling, and screenshotted to
 * test-artifacts/screenshots/admin-ui-*.png.
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { DEFAULT_JWKS_MAX_AGE } from "../../lib/config.ts";
import { activationDelay } from "../../lib/key_schedule.ts";
import { generatePKCE } from "../../lib/oauth/pkce.ts";
import {
  chromiumAvailable,
  launchChromium,
  screenshot,
} from "../helpers/browser.ts";
import { tokenRequest } from "../helpers/oauth.ts";
import { basic } from "../helpers/clients.ts";
import { completeSetupFor, startTestApp } from "../helpers/test_app.ts";

/** A loopback port with nothing listening: the client's callback. */
function unusedPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** True when the page is wider than the viewport (horizontal scrolling). */
function overflows(page: Page): Promise<boolean> {
  return page.evaluate(() =>
    document.documentElement.scrollWidth > globalThis.innerWidth
  );
}

Deno.test({
  name:
    "browser: admin creates scope, client, policy, key and user in the UI; the user signs in, consents and the client gets a code",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const t = await startTestApp({ listen: true });
    const browser = await launchChromium();
    try {
      const token = await completeSetupFor(t);
      const callback = `http://127.0.0.1:${unusedPort()}/cb`;
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
      });
      await context.grantPermissions(["clipboard-read", "clipboard-write"], {
        origin: t.base,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(err.message));
      page.on("console", (msg) => {
        // The refused scope deletion (409) is logged by the browser; it is
        // expected, and shown in the dialog.
        const expected = /status of 409/.test(msg.text());
        if (msg.type() === "error" && !expected) errors.push(msg.text());
      });
      const hydrated = (name: string) =>
        page.locator(`[data-island="${name}"] form`).first().waitFor();

      // Sign in.
      await page.goto(`${t.base}/admin/ui/clients`);
      await page.waitForURL(`${t.base}/admin/login`);
      await page.locator("#token").fill(token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${t.base}/admin/ui`);
      await screenshot(page, "admin-ui-dashboard");

      // A scope, checked as typed: a space is not allowed in a scope token.
      await page.getByRole("navigation", { name: "Admin" })
        .getByRole("link", { name: "Scopes" }).click();
      await page.waitForURL(`${t.base}/admin/ui/scopes`);
      await hydrated("ScopeEditor");
      const name = page.getByLabel("Name", { exact: true });
      await name.fill("files read");
      await name.blur();
      await page.locator("#scope-name-error").waitFor();
      assert.equal(await name.getAttribute("aria-invalid"), "true");
      await name.fill("files.read");
      await page.locator("#scope-name-error").waitFor({ state: "detached" });
      await page.getByLabel("Description").fill("Read your files");
      await page.getByLabel("Claims").fill("files");
      await page.getByRole("button", { name: "Add scope" }).click();
      await page.waitForURL(/notice=scope\.saved/);
      await page.getByRole("status").filter({ hasText: "files.read saved" })
        .waitFor();
      await page.locator("#scope-files\\.read").waitFor();
      await screenshot(page, "admin-ui-scopes");

      // A public client whose callback is a loopback port nobody serves.
      await page.goto(`${t.base}/admin/ui/clients`);
      await hydrated("ClientForm");
      await page.getByLabel("Client ID").fill("ui-app");
      await page.getByLabel("Client Name").fill("UI Test App");
      const uris = page.getByLabel("Redirect URIs");
      await uris.fill("http://app.example.com/cb");
      await uris.blur();
      const uriError = page.locator("#client-redirect_uris-error");
      await uriError.waitFor();
      assert.match(
        (await uriError.textContent()) ?? "",
        /http is allowed only for localhost/,
      );
      await uris.fill(callback);
      await uriError.waitFor({ state: "detached" });
      await page.getByLabel("Client Scope").fill("openid profile files.read");
      await page.getByRole("radio", { name: /Public/ }).check();
      assert.equal(
        await page.getByLabel("Token Endpoint Auth Method").inputValue(),
        "none",
        "a public client's auth method follows the type",
      );
      await screenshot(page, "admin-ui-clients-form");
      await page.getByRole("button", { name: "Create client" }).click();
      await page.waitForURL(
        `${t.base}/admin/ui/clients/ui-app?notice=client.created`,
      );
      await page.getByRole("heading", { name: "UI Test App" }).waitFor();

      // Its policy: consent every time, within the scopes it may ask for.
      await hydrated("PolicyForm");
      await page.getByLabel("Allowed Scopes").fill("openid profile files.read");
      await page.getByLabel("Default Scopes").fill("openid");
      const lifetime = page.getByLabel("Access Token Lifetime (seconds)");
      await lifetime.fill("10");
      await lifetime.blur();
      await page.locator("#policy-access_token_lifetime-error").waitFor();
      await lifetime.fill("1800");
      await page.getByLabel("Consent Policy").selectOption("always");
      await page.getByRole("button", { name: "Save policy" }).click();
      await page.getByRole("status").filter({ hasText: "Policy saved" })
        .waitFor();
      const policy = await (await t.fetch("/admin/clients/ui-app/policy", {
        headers: { "X-Admin-Token": token },
      })).json();
      assert.equal(policy.consent_policy, "always");
      assert.equal(policy.access_token_lifetime, 1800);
      assert.equal(policy.allowed_scopes, "openid profile files.read");
      await screenshot(page, "admin-ui-client");

      // Every field has an info link to its entry in the help page.
      await page.getByRole("link", { name: "Help: Redirect URIs" }).click();
      await page.waitForURL(`${t.base}/admin/ui/help#redirect-uris`);
      await page.getByRole("heading", { name: "Redirect URIs", exact: true })
        .waitFor();
      await screenshot(page, "admin-ui-help");

      // A confidential client: its secret is shown once, with a copy button.
      await page.goto(`${t.base}/admin/ui/clients`);
      await hydrated("ClientForm");
      await page.getByLabel("Client ID").fill("ui-backend");
      await page.getByLabel("Redirect URIs").fill("https://backend.example/cb");
      await page.getByRole("button", { name: "Create client" }).click();
      const secret = page.locator("#client-secret");
      await secret.waitFor();
      const secretText = (await secret.textContent())?.trim() ?? "";
      assert.match(secretText, /^[A-Za-z0-9_-]{43}$/);
      // The list on the same page shows it at once: no reload (that would
      // lose the secret shown above), the form's answer goes to the list.
      const listed = page.getByRole("region", { name: "Clients" });
      await listed.getByRole("cell", { name: /ui-backend/ }).waitFor();
      assert.deepEqual(
        await listed.locator("tbody tr code").allTextContents(),
        ["ui-app", "ui-backend"],
      );
      assert.equal(page.url(), `${t.base}/admin/ui/clients`, "no navigation");
      await page.getByRole("button", { name: "Copy secret" }).click();
      await page.getByRole("button", { name: "Copied" }).waitFor();
      assert.equal(
        await page.evaluate(() => navigator.clipboard.readText()),
        secretText,
      );
      await screenshot(page, "admin-ui-client-secret");

      // Regenerated from the client's page: confirmed in a dialog, the new
      // secret shown there once; the old one stops working at once.
      const introspect = (secret: string) =>
        t.fetch("/introspect", {
          method: "POST",
          headers: {
            Authorization: basic("ui-backend", secret),
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body: "token=nothing",
        }).then((r) => r.status);
      assert.equal(await introspect(secretText), 200);
      await page.getByRole("link", { name: "Open the client's settings" })
        .click();
      await page.waitForURL(`${t.base}/admin/ui/clients/ui-backend`);
      await hydrated("ConfirmButton");
      await page.getByRole("button", { name: /^Regenerate secret/ }).click();
      const regen = page.getByRole("dialog");
      await regen.getByRole("button", { name: "Regenerate secret" }).click();
      const fresh = regen.locator("#client-secret");
      await fresh.waitFor();
      const freshText = (await fresh.textContent())?.trim() ?? "";
      assert.match(freshText, /^[A-Za-z0-9_-]{43}$/);
      assert.notEqual(freshText, secretText);
      await screenshot(page, "admin-ui-secret-regenerated");
      assert.equal(await introspect(secretText), 401);
      assert.equal(await introspect(freshText), 200);
      await regen.getByRole("button", { name: "Done" }).click();
      await page.waitForLoadState();

      // Rotate the RS256 key: the new one is published and waits out the
      // JWKS max-age; then the old one is retired and kept.
      await page.goto(`${t.base}/admin/ui/keys`);
      await page.getByLabel("Algorithm").selectOption("RS256");
      await page.getByRole("button", { name: "Rotate key" }).click();
      await page.waitForURL(/notice=key\.rotated/);
      const rows = page.locator("table tbody tr");
      assert.equal(await rows.count(), 2);
      assert.equal(await rows.filter({ hasText: "pending" }).count(), 1);
      t.advance(activationDelay(DEFAULT_JWKS_MAX_AGE));
      await page.reload();
      assert.equal(await rows.count(), 2);
      assert.equal(
        await rows.filter({ hasText: "retired" }).count(),
        1,
        "the previous key is retired, not gone",
      );
      // An ES256 key, retired through the confirmation dialog by keyboard.
      await page.getByLabel("Algorithm").selectOption("ES256");
      await page.getByRole("button", { name: "Rotate key" }).click();
      await page.waitForURL(/notice=key\.rotated&subject=ES256/);
      const retire = page.getByRole("button", { name: /^Retire/ });
      await retire.focus();
      await page.keyboard.press("Enter");
      const dialog = page.getByRole("dialog");
      await dialog.waitFor();
      assert.equal(
        await page.evaluate(() => document.activeElement?.textContent),
        "Cancel",
        "the dialog opens on its safe choice",
      );
      await screenshot(page, "admin-ui-keys-dialog");
      await page.keyboard.press("Escape");
      await dialog.waitFor({ state: "hidden" });
      await retire.click();
      await dialog.getByRole("button", { name: "Retire key" }).click();
      await page.waitForURL(/notice=key\.retired/);
      await screenshot(page, "admin-ui-keys");

      // The user who will sign in.
      await page.goto(`${t.base}/admin/ui/users`);
      await hydrated("UserForm");
      await page.getByLabel("Username").fill("alice");
      await page.getByLabel("Password").fill("alice-in-wonderland");
      await page.getByLabel("Email", { exact: true }).fill("alice@example.com");
      await page.getByLabel("Claims (JSON)").fill('{"name": "Alice"');
      await page.getByLabel("Claims (JSON)").blur();
      await page.locator("#user-create-claims-error").waitFor();
      await page.getByLabel("Claims (JSON)").fill('{"name": "Alice Liddell"}');
      await page.getByRole("button", { name: "Create user" }).click();
      await page.waitForURL(/\/admin\/ui\/users\/[^?]+\?notice=user\.created/);
      await screenshot(page, "admin-ui-user");
      const userURL = page.url().split("?")[0];

      // Alice signs in to ui-app and consents; the browser goes to the
      // callback with a code (answered here: nothing listens there).
      const visitor = await browser.newContext();
      const app = await visitor.newPage();
      let landed: URL | null = null;
      await app.route(`${callback}**`, (route) => {
        landed = new URL(route.request().url());
        return route.fulfill({ status: 200, body: "callback reached" });
      });
      const pkce = generatePKCE();
      const authorize = new URL(`${t.base}/authorize`);
      authorize.search = new URLSearchParams({
        client_id: "ui-app",
        response_type: "code",
        redirect_uri: callback,
        scope: "openid files.read",
        state: "ui-state",
        nonce: "ui-nonce",
        code_challenge: pkce.code_challenge,
        code_challenge_method: "S256",
      }).toString();
      await app.goto(authorize.href);
      await app.getByLabel("Username").fill("alice");
      await app.getByLabel("Password").fill("alice-in-wonderland");
      await app.getByRole("button", { name: "Sign in" }).click();
      await app.getByRole("heading", { name: "Allow access?" }).waitFor();
      assert.match(await app.content(), /Read your files/);
      await screenshot(app, "admin-ui-consent");
      await app.getByRole("button", { name: "Allow" }).click();
      await app.waitForURL(`${callback}**`);
      assert.ok(landed, "the callback was reached");
      const code = (landed as URL).searchParams.get("code");
      assert.ok(code, "the redirect carries a code");
      assert.equal((landed as URL).searchParams.get("state"), "ui-state");
      assert.equal((landed as URL).searchParams.get("iss"), t.base);
      const tokens = await tokenRequest(t, {
        grant_type: "authorization_code",
        client_id: "ui-app",
        code,
        code_verifier: pkce.code_verifier,
        redirect_uri: callback,
      });
      assert.equal(tokens.status, 200);
      assert.equal(tokens.body.scope, "openid files.read");
      assert.equal(tokens.body.expires_in, 1800);

      // Back in the admin UI: her session, then her consent, ended.
      await page.goto(`${t.base}/admin/ui/sessions`);
      const sessionRow = page.locator("tbody tr").filter({ hasText: "alice" });
      await sessionRow.waitFor();
      await screenshot(page, "admin-ui-sessions");
      await sessionRow.getByRole("button", { name: /End session/ }).click();
      await page.getByRole("dialog").getByRole("button", {
        name: "End session",
      }).click();
      await page.waitForURL(/notice=session\.revoked/);
      assert.equal(await page.locator("tbody tr").count(), 0);

      await page.goto(userURL);
      const consentRow = page.locator("tbody tr").filter({ hasText: "ui-app" });
      await consentRow.waitFor();
      await consentRow.getByRole("button", { name: /Revoke/ }).click();
      await page.getByRole("dialog").getByRole("button", {
        name: "Revoke consent",
      }).click();
      await page.waitForURL(/notice=consent\.revoked/);
      await page.getByText("has not granted any client access").waitFor();

      // Her claims and password, saved through the API without leaving.
      await hydrated("UserForm");
      const claims = page.getByLabel("Claims (JSON)");
      await claims.fill('{"name": "Alice L.", "locale": "en-GB"}');
      await page.getByRole("button", { name: "Save user" }).click();
      await page.getByRole("status").filter({ hasText: "User saved." })
        .waitFor();
      const aliceID = new URL(userURL).pathname.split("/").pop();
      const saved = await (await t.fetch(`/admin/users/${aliceID}`, {
        headers: { "X-Admin-Token": token },
      })).json();
      assert.deepEqual(saved.claims, { name: "Alice L.", locale: "en-GB" });
      await page.getByLabel("New password").fill("through the looking glass");
      await page.getByRole("button", { name: "Set password" }).click();
      await page.getByRole("status").filter({ hasText: "Password set." })
        .waitFor();
      assert.equal(await page.getByLabel("New password").inputValue(), "");

      // The client's own fields through PATCH: a new name, back to the page.
      await page.goto(`${t.base}/admin/ui/clients/ui-app`);
      await hydrated("ClientForm");
      await page.getByLabel("Client Name").fill("UI Test App (renamed)");
      await page.getByRole("button", { name: "Save client" }).click();
      await page.waitForURL(/notice=client\.saved/);
      await page.getByRole("heading", { name: "UI Test App (renamed)" })
        .waitFor();

      // A scope still used by a policy is not deleted; the dialog says why.
      await page.goto(`${t.base}/admin/ui/scopes`);
      await page.locator("#scope-files\\.read")
        .getByRole("button", { name: /Delete/ }).click();
      await page.getByRole("dialog").getByRole("button", {
        name: "Delete scope",
      }).click();
      await page.getByRole("dialog").getByRole("alert")
        .filter({ hasText: "ui-app" }).waitFor();
      await screenshot(page, "admin-ui-scope-in-use");
      await page.keyboard.press("Escape");

      await page.goto(`${t.base}/admin/ui/audit`);
      await page.getByRole("cell", { name: "client.policy_updated" }).waitFor();
      await screenshot(page, "admin-ui-audit");

      // 375 px wide: no page scrolls sideways.
      await page.setViewportSize({ width: 375, height: 812 });
      const narrow: [string, string][] = [
        ["/admin/ui/clients", "admin-ui-clients-375"],
        ["/admin/ui/clients/ui-app", "admin-ui-client-375"],
        ["/admin/ui", "admin-ui-dashboard-375"],
        ["/admin/ui/scopes", "admin-ui-scopes-375"],
        ["/admin/ui/keys", "admin-ui-keys-375"],
        [new URL(userURL).pathname, "admin-ui-user-375"],
        ["/admin/ui/users", "admin-ui-users-375"],
        ["/admin/ui/sessions", "admin-ui-sessions-375"],
        ["/admin/ui/audit", "admin-ui-audit-375"],
        ["/admin/ui/help", "admin-ui-help-375"],
      ];
      for (const [path, shot] of narrow) {
        await page.goto(`${t.base}${path}`);
        await screenshot(page, shot);
        assert.equal(await overflows(page), false, `${path} at 375 px`);
      }

      assert.deepEqual(errors, [], "no script or CSP errors in the pages");
      await visitor.close();
      await context.close();
    } finally {
      await browser.close();
      await t.close();
    }
  },
});

Deno.test({
  name:
    "browser without JavaScript: forms post to their page, errors show inline, deletion asks on a page of its own",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const t = await startTestApp({ listen: true });
    const browser = await launchChromium();
    try {
      const token = await completeSetupFor(t);
      const context = await browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${t.base}/admin/login`);
      await page.locator("#token").fill(token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${t.base}/admin/ui`);

      await page.goto(`${t.base}/admin/ui/scopes`);
      await page.getByLabel("Name", { exact: true }).fill("bad scope");
      await page.getByRole("button", { name: "Add scope" }).click();
      await page.locator("#scope-name-error").waitFor();
      assert.equal(
        await page.getByLabel("Name", { exact: true }).inputValue(),
        "bad scope",
        "what was typed is kept",
      );
      assert.equal(
        await page.evaluate(() => document.activeElement?.id),
        "scope-name",
        "the page opens on the refused field",
      );
      await screenshot(page, "admin-ui-nojs-scope-error");
      await page.getByLabel("Name", { exact: true }).fill("photos.read");
      await page.getByRole("button", { name: "Add scope" }).click();
      await page.waitForURL(/notice=scope\.saved/);

      await page.locator("#scope-photos\\.read")
        .getByRole("button", { name: /Delete/ }).click();
      await page.getByRole("heading", { name: "Delete scope photos.read?" })
        .waitFor();
      await screenshot(page, "admin-ui-nojs-confirm");
      await page.getByRole("button", { name: "Delete scope" }).click();
      await page.waitForURL(/notice=scope\.deleted/);
      assert.equal(await page.locator("#scope-photos\\.read").count(), 0);
      await context.close();
    } finally {
      await browser.close();
      await t.close();
    }
  },
});

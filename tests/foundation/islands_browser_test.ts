import assert from "node:assert/strict";
import {
  chromiumAvailable,
  launchChromium,
  screenshot,
} from "../helpers/browser.ts";
import { setupProofFor, startTestApp } from "../helpers/test_app.ts";

Deno.test({
  name:
    "browser: setup shows the token with a working CopyButton island, then the token signs in to the dashboard",
  ignore: !chromiumAvailable(),
  async fn() {
    const t = await startTestApp({ listen: true });
    const browser = await launchChromium();
    try {
      const context = await browser.newContext();
      await context.grantPermissions(["clipboard-read", "clipboard-write"], {
        origin: t.base,
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(err.message));
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(msg.text());
      });

      // The first setup page uses no island, so it ships no script at all.
      const first = await page.goto(`${t.base}/setup`);
      assert.equal(first?.status(), 200);
      const firstHTML = await first!.text();
      assert.match(firstHTML, /First-time setup/);
      assert.doesNotMatch(firstHTML, /<script/i);
      await screenshot(page, "setup-start");

      // A person types the setup code the server printed at start.
      await page.getByLabel("Setup code").fill(await setupProofFor(t));
      await page.getByRole("button", { name: "Create admin token" }).click();
      const tokenText = page.locator("#admin-token");
      await tokenText.waitFor();
      const token = (await tokenText.textContent())?.trim() ?? "";
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);

      // The token page does use an island: it hydrates and copies.
      const copy = page.locator('button[data-hydrated="true"]');
      await copy.waitFor({ timeout: 10_000 });
      assert.equal((await copy.textContent())?.trim(), "Copy token");
      const marker = page.locator('[data-island="CopyButton"]');
      assert.equal(
        await marker.evaluate((el) => getComputedStyle(el).display),
        "contents",
        "the island marker adds no box",
      );
      assert.equal(
        await page.locator(".actions").filter({ has: copy }).filter({
          has: page.getByRole("link", { name: "Continue to sign in" }),
        }).count(),
        1,
        "the island stays in place, beside the link",
      );
      await copy.click();
      await page.getByRole("button", { name: "Copied" }).waitFor();
      const clipboard = await page.evaluate(() =>
        navigator.clipboard.readText()
      );
      assert.equal(clipboard, token);
      await screenshot(page, "setup-token-copied");

      await page.getByRole("link", { name: "Continue to sign in" }).click();
      await page.waitForURL(`${t.base}/admin/login`);
      await page.locator("#token").fill(token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${t.base}/admin/ui`);
      await page.getByRole("heading", { name: "Dashboard" }).waitFor();
      await screenshot(page, "admin-dashboard");

      assert.deepEqual(errors, [], "no script or CSP errors in the page");
      await context.close();
    } finally {
      await browser.close();
      await t.close();
    }
  },
});

/**
 * The APIs and Registration pages in Chromium: an API registered through
 * the form and deleted through the confirmation dialog the other pages
 * use; a self-registered client disabled through its dialog; no console
 * errors (strict CSP), no sideways scrolling at 375 px.
 * @module
 */
import assert from "node:assert/strict";
import {
  chromiumAvailable,
  launchChromium,
  screenshot,
} from "../helpers/browser.ts";
import { completeSetupFor, startTestApp } from "../helpers/test_app.ts";

Deno.test({
  name:
    "browser: an API is registered and deleted (dialog) on the APIs page; a self-registered client is disabled on the Registration page",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const t = await startTestApp({ listen: true });
    const browser = await launchChromium();
    try {
      const token = await completeSetupFor(t);
      const registered = await t.fetch("/register", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({
          client_name: "Desktop MCP client",
          redirect_uris: ["http://127.0.0.1/cb"],
          token_endpoint_auth_method: "none",
          application_type: "native",
        }),
      });
      const { client_id } = await registered.json();
      const context = await browser.newContext({
        viewport: { width: 1280, height: 900 },
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on("pageerror", (err) => errors.push(err.message));
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(msg.text());
      });
      await page.goto(`${t.base}/admin/ui/resources`);
      await page.waitForURL(`${t.base}/admin/login`);
      await page.locator("#token").fill(token);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${t.base}/admin/ui`);
      await page.getByRole("navigation", { name: "Admin" })
        .getByRole("link", { name: "APIs" }).click();
      await page.waitForURL(`${t.base}/admin/ui/resources`);
      await page.getByLabel("Identifier (the API's URL)")
        .fill("https://mcp.example.com/mcp");
      await page.getByLabel("Name (shown on the consent page)")
        .fill("Example MCP");
      await page.getByLabel("Scopes it defines").fill("mcp:tools");
      await page.getByRole("button", { name: "Register API" }).click();
      await page.waitForURL(/notice=resource\.saved/);
      await page.getByRole("cell", { name: /Example MCP/ }).waitFor();
      await screenshot(page, "admin-ui-apis");
      await page.getByRole("button", { name: /Delete/ }).click();
      const dialog = page.getByRole("dialog");
      await dialog.getByRole("button", { name: "Delete API" }).click();
      await page.waitForURL(/notice=resource\.deleted/);
      await page.getByText("No APIs yet").waitFor();
      const left = await t.deps.db.selectFrom("api_resources").selectAll()
        .execute();
      assert.equal(left.length, 0);

      await page.goto(`${t.base}/admin/ui/registration`);
      await page.getByRole("cell", { name: /Desktop MCP client/ }).waitFor();
      await screenshot(page, "admin-ui-registration");
      await page.getByRole("button", { name: /^Disable/ }).click();
      await page.getByRole("dialog").getByRole("button", {
        name: "Disable client",
      }).click();
      await page.waitForURL(/notice=client\.disabled/);
      const row = await t.deps.db.selectFrom("clients").select("disabled")
        .where("client_id", "=", client_id).executeTakeFirstOrThrow();
      assert.equal(Number(row.disabled), 1);

      await page.setViewportSize({ width: 375, height: 812 });
      for (const path of ["/admin/ui/resources", "/admin/ui/registration"]) {
        await page.goto(`${t.base}${path}`);
        const wide = await page.evaluate(() =>
          document.documentElement.scrollWidth > globalThis.innerWidth
        );
        assert.equal(wide, false, `${path} scrolls sideways at 375 px`);
      }
      assert.deepEqual(errors, []);
      await context.close();
    } finally {
      await browser.close();
      await t.close();
    }
  },
});

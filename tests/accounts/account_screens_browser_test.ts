/**
 * The account and sign-in pages at 390 px wide (a phone), in Chromium:
 * each page fits without horizontal scrolling, its main control is
 * visible, and it is screenshotted to test-artifacts/screenshots/
 * account-*.png.
 * @module
 */
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import {
  chromiumAvailable,
  launchChromium,
  screenshot,
} from "../helpers/browser.ts";
import { demoParams } from "../helpers/oauth.ts";
import { accountWorld } from "./self_service_fixture.ts";

function overflows(page: Page): Promise<boolean> {
  return page.evaluate(() =>
    document.documentElement.scrollWidth > globalThis.innerWidth
  );
}

async function check(page: Page, name: string, control: string): Promise<void> {
  assert.equal(await overflows(page), false, `${name} scrolls sideways`);
  assert.ok(
    await page.getByRole("button", { name: control }).first().isVisible(),
    `${name}: ${control}`,
  );
  await screenshot(page, `account-${name}`);
}

Deno.test({
  name:
    "browser: the account and sign-in pages fit a 390 px wide screen (screenshots)",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const w = await accountWorld({
      mail: true,
      listen: true,
      env: { REGISTRATION: "open" },
    });
    const browser = await launchChromium();
    try {
      const { t } = w;
      const context = await browser.newContext({
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 1,
        userAgent:
          "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36",
      });
      const page = await context.newPage();
      const { params } = demoParams();
      await page.goto(
        `${t.base}/authorize?${new URLSearchParams(
          params as Record<string, string>,
        )}`,
      );
      await check(page, "authorize-sign-in", "Sign in");
      await page.getByRole("button", { name: "Create an account" }).click();
      await check(page, "authorize-register", "Create account");
      await page.getByRole("button", { name: "Back to sign in" }).click();
      await page.getByRole("button", { name: "Forgot password?" }).click();
      await check(page, "authorize-forgot", "Send the link");

      await page.goto(`${t.base}/account/register`);
      await check(page, "register", "Create account");
      await page.goto(`${t.base}/account/forgot`);
      await check(page, "forgot", "Send the link");
      await page.goto(`${t.base}/account/login`);
      await check(page, "sign-in", "Sign in");
      await page.getByLabel("Username").fill("alice");
      await page.getByLabel("Password").fill("alice");
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByText("Signed in as").waitFor();
      await check(page, "profile", "Save profile");
      // A second session and an app, so those pages have rows.
      const other = await (await browser.newContext()).newPage();
      await other.goto(`${t.base}/account/login`);
      await other.getByLabel("Username").fill("alice");
      await other.getByLabel("Password").fill("alice");
      await other.getByRole("button", { name: "Sign in" }).click();
      await other.getByText("Signed in as").waitFor();
      await page.goto(
        `${t.base}/authorize?${new URLSearchParams(
          demoParams().params as Record<string, string>,
        )}`,
      );
      await page.getByRole("button", { name: "Allow" }).click();
      await page.waitForURL(/localhost:3000\/callback/).catch(() => {});
      await page.goto(`${t.base}/account/password`);
      await check(page, "password", "Change password");
      await page.goto(`${t.base}/account/sessions`);
      await check(page, "sessions", "Sign out");
      await page.goto(`${t.base}/account/apps`);
      await check(page, "apps", "Remove access");
    } finally {
      await browser.close();
      await w.close();
    }
  },
});

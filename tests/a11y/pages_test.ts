/**
 * Every page a person can see, checked by axe-core at WCAG 2.1 A and AA in
 * Chromium, with realistic data behind it (tests/a11y/world.ts), at a
 * desktop width and at 375 px. A new page is one line in PAGES; a new
 * language is one entry in LANGUAGES (each end-user page is then checked
 * in it, with the browser asking for it through Accept-Language, and its
 * `<html lang>` must say so; the operator's pages, setup and admin, stay
 * English and say so). Then the end-user pages again, branded: a custom
 * accent, logo, name and support link.
 * @module
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { assertAccessible } from "../helpers/axe.ts";
import { startMailServer } from "../helpers/mail_server.ts";
import { chromiumAvailable, launchChromium } from "../helpers/browser.ts";
import {
  setupProofFor,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import { ACR_MFA } from "../../lib/accounts/factors/levels.ts";
import { translate } from "../../lib/i18n/messages.ts";
import {
  authorizePath,
  BRANDING,
  brandWorld,
  buildWorld,
  ERIN,
  PHOTOS_CLIENT,
  signIn,
  type Visitor,
  type World,
  WORLD_ENV,
} from "./world.ts";

/** The languages the end-user pages are checked in (lib/i18n/locales.ts). */
const LANGUAGES = ["en", "de"] as const;
type Language = typeof LANGUAGES[number];

const VIEWPORTS = [
  { name: "desktop", width: 1280, height: 900 },
  { name: "phone", width: 375, height: 740 },
];

/** What a page's `then` step may use. */
interface Scene {
  page: Page;
  t: TestApp;
  lang: Language;
}

interface PageCase {
  name: string;
  /** The URL path, or one built from the world's ids. */
  path: string | ((world: World, lang: Language) => string);
  /** Signed in in the browser (default nobody). */
  as?: Visitor;
  /** On a new server before first-time setup (default: the world). */
  fresh?: true;
  /** A selector only the intended page matches (the same URL can show another). */
  shows?: string;
  /** Setup and admin: English only, checked once. */
  operator?: true;
  /** Brings the opened page to the state checked (a submitted form, a dialog). */
  then?: (scene: Scene) => Promise<void>;
}

/** Clicks the page's first submit button and waits for the answer page. */
async function submit(
  page: Page,
  selector = 'button[type="submit"]',
): Promise<void> {
  await Promise.all([
    page.waitForEvent("framenavigated"),
    page.locator(selector).first().click(),
  ]);
  await page.waitForLoadState("load");
}

/** Clicks the sign-in page's step button for `action` (forgot password, …). */
function step(action: string): (scene: Scene) => Promise<void> {
  return async ({ page }) => {
    await submit(
      page,
      `form:has(input[name="_action"][value="${action}"]) button`,
    );
  };
}

const PAGES: PageCase[] = [
  // First run.
  {
    name: "setup form",
    path: "/setup",
    fresh: true,
    shows: "#setup_code",
    operator: true,
  },
  {
    name: "setup: wrong code",
    path: "/setup",
    fresh: true,
    operator: true,
    then: async ({ page }) => {
      await page.locator("#setup_code").fill("not-the-code");
      await submit(page);
      await page.getByRole("alert").waitFor();
    },
  },
  {
    name: "setup: admin token shown",
    path: "/setup",
    fresh: true,
    operator: true,
    then: async ({ page, t }) => {
      await page.locator("#setup_code").fill(await setupProofFor(t));
      await submit(page);
      await page.locator("#admin-token").waitFor();
    },
  },
  { name: "setup already complete", path: "/setup", operator: true },
  { name: "start page", path: "/" },

  // End users: the authorization flow.
  {
    name: "sign-in: wrong password",
    path: authorizePath("demo-web"),
    then: async ({ page }) => {
      await page.locator("#username").fill("alice");
      await page.locator("#password").fill("wrong password");
      await submit(page);
      await page.getByRole("alert").waitFor();
    },
  },
  { name: "sign-in", path: authorizePath("demo-web"), shows: "#password" },
  {
    name: "sign-in: forgot password step",
    path: authorizePath("demo-web"),
    then: step("forgot_password"),
    shows: 'input[name="_action"][value="sign_in"]',
  },
  {
    name: "sign-in: create an account step",
    path: authorizePath("demo-web"),
    then: step("create_account"),
    shows: "#f-username",
  },
  {
    name: "sign-in: create an account with errors",
    path: authorizePath("demo-web", { prompt: "create" }),
    then: async ({ page }) => {
      await page.locator("#f-username").fill("alice");
      await page.locator("#f-email").fill("alice@example.com");
      await page.locator("#f-password").fill("short");
      await submit(page);
      await page.locator(".field-error").first().waitFor();
    },
  },
  {
    name: "sign-in: the new password the admin asked for",
    path: authorizePath("demo-web"),
    then: async ({ page }) => {
      await page.locator("#username").fill(ERIN.username);
      await page.locator("#password").fill(ERIN.password);
      await submit(page);
      await page.locator("#f-new_password").waitFor();
    },
  },
  {
    name: "second factor (none set up yet)",
    path: authorizePath("demo-web", { acr_values: ACR_MFA }),
    as: "user",
    shows: 'a[href="/account/security"]',
  },
  {
    name: "consent",
    path: authorizePath(PHOTOS_CLIENT),
    as: "user",
    shows: 'button[name="decision"]',
  },
  {
    name: "account choice (prompt=select_account)",
    path: authorizePath("demo-web", { prompt: "select_account" }),
    as: "user",
    shows: 'button[name="choice"]',
  },
  {
    name: "logout confirmation",
    path: "/end_session",
    as: "user",
    shows: 'input[name="confirm"]',
  },
  {
    name: "logout confirmation (/logout)",
    path: "/logout",
    as: "user",
    shows: 'input[name="confirm"]',
  },
  {
    name: "signed out",
    path: "/end_session",
    as: "user",
    then: async ({ page }) => {
      await submit(page);
      await page.locator('input[name="confirm"]').waitFor({
        state: "detached",
      });
    },
  },
  { name: "error: unknown client", path: authorizePath("no-such-client") },
  { name: "error: page not found", path: "/no-such-page" },

  // The account's own pages.
  { name: "account sign-in", path: "/account/login", shows: "#password" },
  {
    name: "account sign-in: wrong password",
    path: "/account/login",
    then: async ({ page }) => {
      await page.locator("#username").fill("alice");
      await page.locator("#password").fill("wrong password");
      await submit(page);
      await page.getByRole("alert").waitFor();
    },
  },
  { name: "account forgot password", path: "/account/forgot" },
  { name: "account register", path: "/account/register", shows: "#f-email" },
  { name: "account reset: a dead link", path: "/account/reset?token=gone" },
  { name: "account verify", path: "/account/verify?token=x" },
  { name: "account profile", path: "/account", as: "user" },
  {
    name: "account profile: saved notice",
    path: "/account?notice=profile.saved",
    as: "user",
    shows: ".notice",
  },
  { name: "account password", path: "/account/password", as: "user" },
  { name: "account sessions", path: "/account/sessions", as: "user" },
  { name: "account apps", path: "/account/apps", as: "user" },
  { name: "account security", path: "/account/security", as: "user" },

  // Administration (English).
  { name: "admin sign-in", path: "/admin/login", operator: true },
  {
    name: "admin sign-in: wrong token",
    path: "/admin/login",
    operator: true,
    then: async ({ page }) => {
      await page.locator("#token").fill("not-the-admin-token");
      await submit(page);
      await page.getByRole("alert").waitFor();
    },
  },
  { name: "admin dashboard", path: "/admin/ui", as: "admin" },
  { name: "admin clients", path: "/admin/ui/clients", as: "admin" },
  {
    name: "admin client (public)",
    path: "/admin/ui/clients/demo-web",
    as: "admin",
  },
  {
    name: "admin client: saved notice",
    path: "/admin/ui/clients/demo-web?notice=client.created",
    as: "admin",
    shows: ".notice",
  },
  {
    name: "admin client (machine)",
    path: "/admin/ui/clients/billing",
    as: "admin",
  },
  { name: "admin scopes", path: "/admin/ui/scopes", as: "admin" },
  { name: "admin users", path: "/admin/ui/users", as: "admin" },
  {
    name: "admin user",
    path: (w) => `/admin/ui/users/${w.ids.alice}`,
    as: "admin",
  },
  {
    name: "admin user (disabled)",
    path: (w) => `/admin/ui/users/${w.ids.carol}`,
    as: "admin",
  },
  { name: "admin sessions", path: "/admin/ui/sessions", as: "admin" },
  { name: "admin keys", path: "/admin/ui/keys", as: "admin" },
  {
    name: "admin keys: delete dialog open",
    path: "/admin/ui/keys",
    as: "admin",
    then: async ({ page }) => {
      await page.locator("td.row-actions button:visible").last().click();
      await page.locator("dialog[open]").waitFor();
    },
  },
  { name: "admin branding", path: "/admin/ui/branding", as: "admin" },
  {
    name: "admin branding: refused colour",
    path: "/admin/ui/branding",
    as: "admin",
    then: async ({ page }) => {
      await page.locator("#accent_color").fill("#ffcc00");
      await submit(page, 'form:has(#accent_color) button[type="submit"]');
      await page.locator("#accent_color-error").waitFor();
    },
  },
  { name: "admin audit", path: "/admin/ui/audit", as: "admin" },
  { name: "admin help", path: "/admin/ui/help", as: "admin" },
];

/** Lets hydration's effects run before axe looks. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() =>
    new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)))
  );
}

/**
 * One browser tab per language, reused from page to page (a new tab per
 * page would pay Chromium's process start and axe's first compile each
 * time); its cookies are replaced for every page.
 */
interface Tab {
  context: BrowserContext;
  page: Page;
  /** Script errors since the current page was opened. */
  errors: string[];
}

async function openTab(browser: Browser, lang: Language): Promise<Tab> {
  const context = await browser.newContext({
    locale: lang,
    viewport: VIEWPORTS[0],
  });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const tab: Tab = { context, page, errors: [] };
  page.on("pageerror", (err) => tab.errors.push(err.message));
  return tab;
}

/** Setup and admin pages: the operator's, in English. */
function isOperator(pageCase: PageCase): boolean {
  return pageCase.operator === true || pageCase.as === "admin";
}

/** What the branded pass expects on top: the brand's accent in force. */
interface CheckOptions {
  accent?: string;
}

async function checkPage(
  tab: Tab,
  world: World,
  pageCase: PageCase,
  lang: Language,
  options: CheckOptions = {},
): Promise<void> {
  const { context, page } = tab;
  const t = pageCase.fresh ? await startTestApp({ listen: true }) : world.t;
  try {
    await context.clearCookies();
    await signIn(world, context, pageCase.as ?? "nobody");
    await page.setViewportSize(VIEWPORTS[0]);
    tab.errors.length = 0;
    const path = typeof pageCase.path === "string"
      ? pageCase.path
      : pageCase.path(world, lang);
    await page.goto(`${t.base}${path}`);
    await pageCase.then?.({ page, t, lang });
    // Not sent elsewhere (an admin page to the sign-in form, say).
    assert.equal(
      new URL(page.url()).pathname,
      new URL(path, t.base).pathname,
      `${pageCase.name}: stays at its URL`,
    );
    if (pageCase.shows) {
      await page.locator(pageCase.shows).first().waitFor({ state: "attached" });
    }
    await settle(page);
    const shown = isOperator(pageCase) ? "en" : lang;
    const htmlLang = await page.evaluate(() => document.documentElement.lang);
    assert.equal(
      htmlLang.split("-")[0],
      shown,
      `${pageCase.name}: <html lang>`,
    );
    // The page speaks it, not only says so: the shell's first words.
    const skip = await page.locator(".skip-link").textContent();
    assert.equal(skip, translate(shown, "layout.skip"), pageCase.name);
    if (options.accent) {
      const accent = await page.evaluate(() =>
        getComputedStyle(document.documentElement).getPropertyValue("--accent")
          .trim()
      );
      assert.equal(accent, options.accent, `${pageCase.name}: brand accent`);
    }
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      await settle(page);
      await assertAccessible(
        page,
        `${pageCase.name} (${lang}, ${viewport.name})`,
      );
    }
    assert.deepEqual(tab.errors, [], `${pageCase.name}: no script errors`);
  } finally {
    if (pageCase.fresh) await t.close();
  }
}

Deno.test({
  name: "a11y: every page has no WCAG 2.1 A/AA violation (axe-core)",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(ctx) {
    const browser = await launchChromium();
    // Mail on: the forgot-password and registration forms are offered.
    const mail = await startMailServer();
    const t = await startTestApp({
      listen: true,
      env: { ...WORLD_ENV, ...mail.env },
    });
    try {
      const world = await buildWorld(t);
      for (const lang of LANGUAGES) {
        const tab = await openTab(browser, lang);
        for (const pageCase of PAGES) {
          // The operator's pages are English: once is enough.
          if (isOperator(pageCase) && lang !== LANGUAGES[0]) continue;
          await ctx.step(
            `${lang}: ${pageCase.name}`,
            () => checkPage(tab, world, pageCase, lang),
          );
        }
        await tab.context.close();
      }
      // Branded: a custom accent (and logo, name, support link) must keep
      // every end-user page at 0 violations, in every language.
      await brandWorld(world);
      for (const lang of LANGUAGES) {
        const tab = await openTab(browser, lang);
        for (const pageCase of PAGES) {
          if (isOperator(pageCase) || pageCase.fresh) continue;
          await ctx.step(
            `branded, ${lang}: ${pageCase.name}`,
            () =>
              checkPage(tab, world, pageCase, lang, {
                accent: BRANDING.accent_color,
              }),
          );
        }
        await tab.context.close();
      }
    } finally {
      await browser.close();
      await t.close();
      await mail.close();
    }
  },
});

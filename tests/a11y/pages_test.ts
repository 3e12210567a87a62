/**
 * Every page a person can see, checked by axe-core at WCAG 2.1 A and AA in
 * Chromium, with realistic data behind it (tests/a11y/world.ts), at a
 * desktop width and at 375 px. A new page is one line in PAGES; a new
 * language is one entry in LANGUAGES (each page is then checked in it,
 * with the browser asking for it through Accept-Language, and its
 * `<html lang>` must say so).
 * @module
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { assertAccessible } from "../helpers/axe.ts";
import { chromiumAvailable, launchChromium } from "../helpers/browser.ts";
import {
  setupProofFor,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import {
  authorizePath,
  buildWorld,
  PHOTOS_CLIENT,
  signIn,
  type Visitor,
  type World,
} from "./world.ts";

/** The languages the end-user and admin pages are checked in. */
const LANGUAGES = ["en"] as const;
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
  /** Brings the opened page to the state checked (a submitted form, a dialog). */
  then?: (scene: Scene) => Promise<void>;
}

/** Clicks the page's first submit button and waits for the answer page. */
async function submit(page: Page): Promise<void> {
  const navigated = page.waitForEvent("framenavigated");
  await page.locator('button[type="submit"]').first().click();
  await navigated;
  await page.waitForLoadState("load");
}

const PAGES: PageCase[] = [
  // First run.
  { name: "setup form", path: "/setup", fresh: true, shows: "#setup_code" },
  {
    name: "setup: wrong code",
    path: "/setup",
    fresh: true,
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
    then: async ({ page, t }) => {
      await page.locator("#setup_code").fill(await setupProofFor(t));
      await submit(page);
      await page.locator("#admin-token").waitFor();
    },
  },
  { name: "setup already complete", path: "/setup" },
  { name: "start page", path: "/" },

  // End users.
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

  // Administration.
  { name: "admin sign-in", path: "/admin/login" },
  {
    name: "admin sign-in: wrong token",
    path: "/admin/login",
    then: async ({ page }) => {
      await page.locator("#token").fill("not-the-admin-token");
      await submit(page);
      await page.getByRole("alert").waitFor();
    },
  },
  // The account's own pages.
  { name: "account sign-in", path: "/account/login", shows: "#password" },
  { name: "account security", path: "/account/security", as: "user" },
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

async function checkPage(
  tab: Tab,
  world: World,
  pageCase: PageCase,
  lang: Language,
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
    const htmlLang = await page.evaluate(() => document.documentElement.lang);
    assert.equal(htmlLang.split("-")[0], lang, `${pageCase.name}: <html lang>`);
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
    const t = await startTestApp({ listen: true });
    try {
      const world = await buildWorld(t);
      for (const lang of LANGUAGES) {
        const tab = await openTab(browser, lang);
        for (const pageCase of PAGES) {
          await ctx.step(
            `${lang}: ${pageCase.name}`,
            () => checkPage(tab, world, pageCase, lang),
          );
        }
        await tab.context.close();
      }
    } finally {
      await browser.close();
      await t.close();
    }
  },
});

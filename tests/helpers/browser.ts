/**
 * Chromium for browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core, kept off the network. Tests skip (with a message) when it
 * is not installed.
 * @module
 */
import { type Browser, chromium } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const SCREENSHOT_DIR = new URL(
  "../../test-artifacts/screenshots/",
  import.meta.url,
);

const ARGS = [
  // Root in a container has no user namespace sandbox.
  "--no-sandbox",
  "--headless=new",
  "--disable-gpu",
  // Nothing may leave loopback: no updates, sync or first-run fetches.
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Whether Chromium is installed; logs why browser tests skip when not. */
export function chromiumAvailable(): boolean {
  try {
    Deno.statSync(CHROMIUM_PATH);
    return true;
  } catch {
    console.warn(
      `browser tests skipped: ${CHROMIUM_PATH} is absent (apt-get install chromium)`,
    );
    return false;
  }
}

export async function launchChromium(): Promise<Browser> {
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
  });
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png. */
export async function screenshot(
  page: {
    screenshot(o: { path: string; fullPage: boolean }): Promise<unknown>;
  },
  name: string,
): Promise<void> {
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({
    path: new URL(`${name}.png`, SCREENSHOT_DIR).pathname,
    fullPage: true,
  });
}

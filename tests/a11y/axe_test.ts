/**
 * The axe helper itself (tests/helpers/axe.ts), on small pages served with
 * the server's own CSP: it finds a real violation and names the element,
 * passes a page without one, and loads axe where an inline script cannot.
 * @module
 */
import assert from "node:assert/strict";
import { contentSecurityPolicy } from "../../lib/security/csp.ts";
import { assertAccessible, axeViolations } from "../helpers/axe.ts";
import { chromiumAvailable, launchChromium } from "../helpers/browser.ts";

const STYLE = ".faint { color: #9aa3ad; background: #ffffff; }";

function pageWith(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<title>axe check</title><link rel="stylesheet" href="/style.css">` +
    `</head><body><main><h1>Check</h1>${body}</main></body></html>`;
}

/** Serves `/good`, `/faint` (grey on white, 2.5:1) and `/style.css` under our CSP. */
function serve(): Deno.HttpServer<Deno.NetAddr> {
  return Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => {
      const path = new URL(req.url).pathname;
      if (path === "/style.css") {
        return new Response(STYLE, { headers: { "Content-Type": "text/css" } });
      }
      const html = path === "/faint"
        ? pageWith(`<p class="faint" id="faint">Hard to read</p>`)
        : pageWith(`<p>Easy to read</p>`);
      return new Response(html, {
        headers: {
          "Content-Type": "text/html; charset=utf-8",
          "Content-Security-Policy": contentSecurityPolicy(),
        },
      });
    },
  );
}

Deno.test({
  name:
    "a11y helper: finds a contrast failure under our CSP, passes a clean page; an inline axe script is refused",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = serve();
    const base = `http://127.0.0.1:${server.addr.port}`;
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();

      await page.goto(`${base}/good`);
      // What the CSP is for: a <script> with inline content does not run.
      await page.addScriptTag({ content: "globalThis.injected = true;" })
        .catch(() => {});
      assert.equal(await page.evaluate(() => "injected" in globalThis), false);
      assert.deepEqual(await axeViolations(page), []);
      await assertAccessible(page, "clean page");

      await page.goto(`${base}/faint`);
      const violations = await axeViolations(page);
      assert.deepEqual(violations.map((v) => v.id), ["color-contrast"]);
      assert.deepEqual(violations[0].nodes.map((n) => n.target), [["#faint"]]);
      await assert.rejects(
        () => assertAccessible(page, "faint page"),
        /faint page .*1 accessibility violation.*\n.*color-contrast[\s\S]*#faint/,
      );
    } finally {
      await browser.close();
      await server.shutdown();
    }
  },
});

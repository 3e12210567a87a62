/**
 * Branding through the admin API, as an admin and a visitor would notice
 * it: the name, accent, support link and logo on the sign-in page, the
 * CSP exactly as strict as without branding, the assets served safely,
 * and every hostile value refused with a 400 naming its field (nothing
 * stored, nothing audited).
 * @module
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { LOGO_CSP } from "../../lib/branding/assets.ts";
import { type AdminFixture, startAdminApp } from "../admin/admin_fixture.ts";
import { demoParams } from "../helpers/oauth.ts";
import { serveTLS, TEST_CA_FILE } from "../helpers/tls_server.ts";

Deno.test.sanitizer({ ops: false, resources: false });

const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4" fill="#0b6e4f"/></svg>';
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

function base64(text: string | Uint8Array): string {
  return Buffer.from(text).toString("base64");
}

/** The demo sign-in page, as a browser asks for it. */
async function signInPage(f: AdminFixture): Promise<Response> {
  const { params } = demoParams();
  return await f.t.fetch(
    `/authorize?${new URLSearchParams(params as Record<string, string>)}`,
    { headers: { Accept: "text/html" } },
  );
}

async function audited(f: AdminFixture, action: string): Promise<number> {
  const page = await f.api("GET", `/admin/audit?action=${action}`);
  return page.body.events.length;
}

Deno.test("branding: a fresh server has none, and its pages show the default name", async () => {
  const f = await startAdminApp();
  try {
    const view = await f.api("GET", "/admin/branding");
    assert.equal(view.status, 200);
    assert.deepEqual(view.body, {
      name: null,
      accent_color: null,
      support_url: null,
      logo: null,
      palette: null,
    });
    const html = await (await signInPage(f)).text();
    assert.match(html, /<span class="brand-name">Authorization Server<\/span>/);
    assert.doesNotMatch(
      html,
      /branding\/theme\.css|branding\/logo|site-footer/,
    );
  } finally {
    await f.t.close();
  }
});

Deno.test("branding: name, accent and support link show on the sign-in page; the CSP is unchanged", async () => {
  const f = await startAdminApp();
  try {
    const before = await signInPage(f);
    const cspBefore = before.headers.get("Content-Security-Policy");
    await before.body?.cancel();
    const saved = await f.api("PATCH", "/admin/branding", {
      name: "Acme Sign-in",
      accent_color: "#0B6E4F",
      support_url: "mailto:help@acme.example",
    });
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    assert.equal(saved.body.accent_color, "#0b6e4f", "stored normalised");
    assert.equal(saved.body.palette.accent, "#0b6e4f");

    const res = await signInPage(f);
    const html = await res.text();
    assert.equal(res.headers.get("Content-Security-Policy"), cspBefore);
    assert.doesNotMatch(cspBefore!, /unsafe-inline/);
    assert.match(html, /<title>Sign in · Acme Sign-in<\/title>/);
    assert.match(html, /<span class="brand-name">Acme Sign-in<\/span>/);
    assert.match(
      html,
      /<a href="mailto:help@acme\.example">Help and support<\/a>/,
    );
    const theme = html.match(
      /<link rel="stylesheet" href="(\/branding\/theme\.css\?v=[0-9a-f]+)"/,
    )?.[1];
    assert.ok(theme, "the page links the accent stylesheet");
    assert.doesNotMatch(html, /style="/, "no inline style attributes");

    const css = await f.t.fetch(theme);
    assert.equal(css.status, 200);
    assert.equal(css.headers.get("Content-Type"), "text/css; charset=utf-8");
    assert.equal(css.headers.get("X-Content-Type-Options"), "nosniff");
    assert.match(css.headers.get("Cache-Control")!, /immutable/);
    const body = await css.text();
    assert.match(body, /--accent: #0b6e4f;/);
    assert.match(body, /--accent-soft: #[0-9a-f]{6};/);
    assert.match(body, /--accent-fg: #ffffff;/);
    // An old version's URL is not cached as if current.
    const stale = await f.t.fetch("/branding/theme.css?v=old");
    assert.equal(stale.headers.get("Cache-Control"), "no-cache");
    await stale.body?.cancel();

    assert.equal(await audited(f, "branding.updated"), 1);
    // null restores a default, a left-out field keeps its value.
    const reset = await f.api("PATCH", "/admin/branding", {
      accent_color: null,
    });
    assert.equal(reset.body.accent_color, null);
    assert.equal(reset.body.name, "Acme Sign-in");
    const after = await (await signInPage(f)).text();
    assert.doesNotMatch(after, /branding\/theme\.css/);
    assert.match(after, /Acme Sign-in/);
  } finally {
    await f.t.close();
  }
});

Deno.test("branding: hostile or failing values are refused with a 400 naming the field, and nothing is stored", async () => {
  const f = await startAdminApp();
  try {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ name: '"><script>alert(1)</script>' }, "name", /must not contain </],
      [{ name: "Acme\u202Eemca" }, "name", /invisible formatting/],
      [{ name: "" }, "name", /must not be empty/],
      [
        { support_url: "javascript:alert(document.cookie)" },
        "support_url",
        /https: or mailto:/,
      ],
      [
        { support_url: "http://help.example.com" },
        "support_url",
        /https: or mailto:/,
      ],
      [
        { support_url: "data:text/html,<script>alert(1)</script>" },
        "support_url",
        /https: or mailto:/,
      ],
      [
        { accent_color: "red;}body{background:url(https://evil.example/x)}" },
        "accent_color",
        /must be a hex colour/,
      ],
      [
        { accent_color: "#ffcc00" },
        "accent_color",
        /contrast of 1\.\d\d:1.*WCAG 2\.1 AA needs 4\.5:1.*such as #[0-9a-f]{6} passes/,
      ],
      [
        { accent_color: "#777777" },
        "accent_color",
        /#777777 has a contrast of 3\.95:1/,
      ],
      [{ accent_color: 42 }, "accent_color", /must be a string/],
      [{ colour: "#000000" }, "colour", /not a known field/],
    ];
    for (const [body, field, why] of cases) {
      const res = await f.api("PATCH", "/admin/branding", body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error, "invalid_request");
      assert.ok(
        res.body.error_description.startsWith(`${field}: `),
        `${JSON.stringify(body)}: ${res.body.error_description}`,
      );
      assert.match(res.body.error_description, why);
      assert.deepEqual(res.body.issues.map((i: { path: string }) => i.path), [
        field,
      ]);
    }
    const view = await f.api("GET", "/admin/branding");
    assert.deepEqual(
      [view.body.name, view.body.accent_color, view.body.support_url],
      [null, null, null],
    );
    assert.equal(await audited(f, "branding.updated"), 0);
  } finally {
    await f.t.close();
  }
});

Deno.test("branding: an uploaded SVG logo is served by us, strictly typed and unable to run script", async () => {
  const f = await startAdminApp();
  try {
    const set = await f.api("PUT", "/admin/branding/logo", {
      data: base64(SVG),
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.logo.content_type, "image/svg+xml");
    assert.equal(set.body.logo.bytes, SVG.length);
    assert.equal(set.body.logo.source_url, null);
    const html = await (await signInPage(f)).text();
    const src = html.match(/<img class="brand-logo" src="([^"]+)" alt\/>/)
      ?.[1];
    assert.equal(src, set.body.logo.url);
    assert.match(src!, /^\/branding\/logo\?v=/);

    const logo = await f.t.fetch(src!);
    assert.equal(logo.status, 200);
    assert.equal(logo.headers.get("Content-Type"), "image/svg+xml");
    assert.equal(logo.headers.get("Content-Security-Policy"), LOGO_CSP);
    assert.match(LOGO_CSP, /default-src 'none'/);
    assert.match(LOGO_CSP, /sandbox/);
    assert.equal(logo.headers.get("X-Content-Type-Options"), "nosniff");
    assert.equal(await logo.text(), SVG);
    const etag = logo.headers.get("ETag")!;
    const again = await f.t.fetch(src!, { headers: { "If-None-Match": etag } });
    assert.equal(again.status, 304);

    // A PNG replaces it, under its own type.
    const png = await f.api("PUT", "/admin/branding/logo", {
      data: base64(PNG),
    });
    assert.equal(png.body.logo.content_type, "image/png");
    const served = await f.t.fetch(png.body.logo.url);
    assert.equal(served.headers.get("Content-Type"), "image/png");
    assert.deepEqual(
      new Uint8Array(await served.arrayBuffer()),
      new Uint8Array(PNG),
    );

    const removed = await f.api("DELETE", "/admin/branding/logo");
    assert.equal(removed.status, 200);
    assert.equal(removed.body.logo, null);
    const gone = await f.t.fetch("/branding/logo");
    assert.equal(gone.status, 404);
    await gone.body?.cancel();
    assert.equal(await audited(f, "branding.logo_set"), 2);
    assert.equal(await audited(f, "branding.logo_removed"), 1);
  } finally {
    await f.t.close();
  }
});

Deno.test("branding: a hostile or wrong logo is refused naming data or url, and the old one stays", async () => {
  const f = await startAdminApp();
  try {
    await f.api("PUT", "/admin/branding/logo", { data: base64(SVG) });
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [
        {
          data: base64(
            '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
          ),
        },
        "data",
        /SVG with a <script> element/,
      ],
      [
        {
          data: base64(
            '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
          ),
        },
        "data",
        /event handler/,
      ],
      [
        { data: base64("<html><body>hi</body></html>") },
        "data",
        /PNG, WebP or SVG/,
      ],
      [
        { data: base64(new Uint8Array(200_000)) },
        "data",
        /at most 131072 bytes/,
      ],
      [{ data: "not base64!!" }, "data", /must be base64/],
      [{ url: "http://example.com/logo.png" }, "url", /must be an https URL/],
      [{ url: "javascript:alert(1)" }, "url", /must be an https URL/],
      [{}, "", /exactly one of data/],
      [
        { data: base64(SVG), url: "https://example.com/a.svg" },
        "",
        /exactly one of data/,
      ],
    ];
    for (const [body, field, why] of cases) {
      const res = await f.api("PUT", "/admin/branding/logo", body);
      assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
      assert.ok(
        res.body.error_description.startsWith(field ? `${field}: ` : "body: "),
        res.body.error_description,
      );
      assert.match(res.body.error_description, why);
    }
    const view = await f.api("GET", "/admin/branding");
    assert.equal(view.body.logo.content_type, "image/svg+xml");
    assert.equal(await audited(f, "branding.logo_set"), 1);
  } finally {
    await f.t.close();
  }
});

Deno.test("branding: a logo URL is fetched once through the outbound fetcher and then served from here", async () => {
  const site = serveTLS((req) =>
    new URL(req.url).pathname === "/logo.png"
      ? new Response(PNG, { headers: { "Content-Type": "image/png" } })
      : new Response("no", { status: 404 })
  );
  const f = await startAdminApp({
    env: { OUTBOUND_ALLOW_LOOPBACK: "true", OUTBOUND_CA_FILE: TEST_CA_FILE },
  });
  try {
    const url = `${site.origin}/logo.png`;
    const set = await f.api("PUT", "/admin/branding/logo", { url });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.logo.source_url, url);
    assert.equal(set.body.logo.content_type, "image/png");
    assert.deepEqual(site.hits, ["/logo.png"]);
    // Pages load it from us: the visitor's browser never asks the site.
    const html = await (await signInPage(f)).text();
    assert.ok(html.includes(`src="${set.body.logo.url}"`));
    assert.doesNotMatch(html, new RegExp(site.origin.replaceAll(".", "\\.")));
    for (let i = 0; i < 3; i++) {
      const logo = await f.t.fetch(set.body.logo.url);
      assert.equal(logo.status, 200);
      await logo.body?.cancel();
    }
    assert.deepEqual(site.hits, ["/logo.png"], "fetched once, not per view");

    const missing = await f.api("PUT", "/admin/branding/logo", {
      url: `${site.origin}/missing.png`,
    });
    assert.equal(missing.status, 400);
    assert.match(missing.body.error_description, /^url: answered HTTP 404/);
  } finally {
    await f.t.close();
    await site.close();
  }
});

Deno.test("branding: a logo URL on a private address is refused without the development setting", async () => {
  const f = await startAdminApp();
  try {
    const res = await f.api("PUT", "/admin/branding/logo", {
      url: "https://127.0.0.1:9/logo.png",
    });
    assert.equal(res.status, 400);
    assert.match(
      res.body.error_description,
      /^url: could not be fetched: .*loopback/,
    );
  } finally {
    await f.t.close();
  }
});

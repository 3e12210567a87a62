/**
 * The admin UI's Branding page without JavaScript, as an admin uses it:
 * the settings form (refusals shown inline, with a 400), a logo uploaded
 * as a file (multipart), removing it, and the page wearing its own accent.
 * @module
 */
import assert from "node:assert/strict";
import { startAdminUI } from "../admin_ui/ui_fixture.ts";

Deno.test.sanitizer({ ops: false, resources: false });

const PAGE = "/admin/ui/branding";
const SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>';

Deno.test("branding page: saving the settings, a refused colour shown at its field, then the page in the new accent", async () => {
  const ui = await startAdminUI();
  try {
    const refused = await ui.post(PAGE, {
      _action: "settings",
      name: "Acme",
      accent_color: "#ffcc00",
      support_url: "javascript:alert(1)",
    });
    assert.equal(refused.status, 400);
    assert.match(
      refused.html,
      /id="accent_color-error">#ffcc00 has a contrast of 1\.33:1/,
    );
    assert.match(
      refused.html,
      /id="support_url-error">must be an https: or mailto: URL/,
    );
    assert.match(refused.html, /value="#ffcc00"/, "the posted values stay");
    assert.match(refused.html, /aria-invalid="true"/);

    const saved = await ui.post(PAGE, {
      _action: "settings",
      name: "Acme",
      accent_color: "#0b6e4f",
      support_url: "",
    });
    assert.equal(saved.status, 303);
    assert.equal(
      saved.headers.get("Location"),
      `${PAGE}?notice=branding.saved`,
    );
    const page = await ui.get(`${PAGE}?notice=branding.saved`);
    assert.match(page.html, /Branding saved\./);
    assert.match(
      page.html,
      /<link rel="stylesheet" href="\/branding\/theme\.css\?v=/,
    );
    assert.match(
      page.html,
      /Accent #0b6e4f, hover #[0-9a-f]{6}, tint #[0-9a-f]{6}\./,
    );
    const api = await ui.t.fetch("/admin/branding", {
      headers: { "X-Admin-Token": ui.token },
    });
    const body = await api.json();
    assert.deepEqual([body.name, body.accent_color, body.support_url], [
      "Acme",
      "#0b6e4f",
      null,
    ]);
  } finally {
    await ui.t.close();
  }
});

Deno.test("branding page: a logo uploaded as a file is stored and shown; a hostile one is refused at the file field; then removed", async () => {
  const ui = await startAdminUI();
  try {
    const upload = async (content: string, name: string) => {
      const form = new FormData();
      form.append("csrf_token", await ui.csrf(PAGE));
      form.append("_action", "logo");
      form.append(
        "logo_file",
        new File([content], name, { type: "image/svg+xml" }),
      );
      form.append("logo_url", "");
      return await ui.t.fetch(PAGE, {
        method: "POST",
        headers: {
          Accept: "text/html",
          Cookie: ui.jar.header(),
          Origin: new URL(ui.t.base).origin,
        },
        body: form,
        redirect: "manual",
      });
    };
    const hostile = await upload(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      "logo.svg",
    );
    assert.equal(hostile.status, 400);
    assert.match(
      await hostile.text(),
      /id="logo_file-error">the image is an SVG with a &lt;script> element/,
    );
    const ok = await upload(SVG, "logo.svg");
    assert.equal(ok.status, 303);
    await ok.body?.cancel();
    const page = await ui.get(PAGE);
    const src = page.html.match(
      /<img class="brand-logo" src="([^"]+)" alt="The current logo"/,
    )?.[1];
    assert.ok(src, "the page shows the current logo");
    assert.match(page.html, /image\/svg\+xml, \d+ bytes/);
    assert.equal(await (await ui.t.fetch(src)).text(), SVG);

    const removed = await ui.post(PAGE, { _action: "logo_remove" });
    assert.equal(removed.status, 303);
    assert.match(
      (await ui.get(PAGE)).html,
      /No logo: pages show the name alone\./,
    );
  } finally {
    await ui.t.close();
  }
});

import assert from "node:assert/strict";
import { brandNameProblem, supportURLProblem } from "./rules.ts";

Deno.test("branding rules: a name is plain text (no markup, controls or invisible formatting)", () => {
  assert.equal(brandNameProblem("Acme Sign-in"), null);
  assert.equal(brandNameProblem("Müller & Söhne – Konto"), null);
  assert.equal(brandNameProblem('Bob\'s "Tools"'), null);
  assert.equal(brandNameProblem("コントロール"), null);
  for (
    const bad of [
      '"><script>alert(1)</script>',
      "<b>Acme</b>",
      "Acme\nInjected",
      "Acme\u202Eemca",
      "Ac\u200Bme",
      "x".repeat(61),
      "   ",
    ]
  ) {
    assert.ok(brandNameProblem(bad), JSON.stringify(bad));
  }
});

Deno.test("branding rules: a support link is https to a host, or one mailto address", () => {
  for (
    const ok of [
      "https://help.example.com/",
      "https://example.com/support?lang=de#form",
      "mailto:help@example.com",
      "mailto:help@example.com?subject=Sign-in",
    ]
  ) {
    assert.equal(supportURLProblem(ok), null, ok);
  }
  const cases: [string, RegExp][] = [
    ["javascript:alert(1)", /https: or mailto:/],
    ["JavaScript:alert(document.cookie)", /https: or mailto:/],
    ["data:text/html,<script>alert(1)</script>", /https: or mailto:/],
    ["http://help.example.com/", /https: or mailto:/],
    ["/support", /https: or mailto:/],
    ["https://user:pass@example.com/", /credentials/],
    ["mailto:", /one email address/],
    ["mailto:a@example.com,b@example.com", /one email address/],
    ['mailto:"><script>@x.y', /one email address/],
    [`https://example.com/${"a".repeat(500)}`, /at most 500/],
  ];
  for (const [bad, why] of cases) {
    assert.match(supportURLProblem(bad) ?? "", why, bad);
  }
});

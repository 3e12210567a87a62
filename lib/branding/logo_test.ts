import assert from "node:assert/strict";
import { checkLogo, LOGO_MAX_BYTES, sniffLogoType } from "./logo.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);
const PNG = new Uint8Array([
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  0,
  0,
  0,
  13,
  0x49,
  0x48,
  0x44,
  0x52,
]);
const WEBP = utf8("RIFF\x10\x00\x00\x00WEBPVP8 ");
const SVG =
  `<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><defs><linearGradient id="g"/></defs><circle cx="5" cy="5" r="4" fill="url(#g)"/><use xlink:href="#g"/></svg>\n`;

Deno.test("logo: the type is read from the bytes", () => {
  assert.equal(sniffLogoType(PNG), "image/png");
  assert.equal(sniffLogoType(WEBP), "image/webp");
  assert.equal(sniffLogoType(utf8(SVG)), "image/svg+xml");
  assert.equal(sniffLogoType(utf8("\uFEFF  <svg></svg>")), "image/svg+xml");
  assert.equal(sniffLogoType(utf8("GIF89a....")), null);
  assert.equal(sniffLogoType(utf8("<html><svg></svg></html>")), null);
  assert.equal(
    sniffLogoType(new Uint8Array([0xff, 0xd8, 0xff])),
    null,
    "JPEG is not taken",
  );
});

Deno.test("logo: PNG, WebP and plain SVG pass; empty, too large and other types do not", () => {
  assert.deepEqual(checkLogo(PNG), { ok: true, type: "image/png" });
  assert.deepEqual(checkLogo(WEBP), { ok: true, type: "image/webp" });
  assert.deepEqual(checkLogo(utf8(SVG)), { ok: true, type: "image/svg+xml" });
  assert.deepEqual(checkLogo(new Uint8Array()), {
    ok: false,
    problem: "is empty",
  });
  const big = new Uint8Array(LOGO_MAX_BYTES + 1);
  big.set(PNG);
  assert.match(
    (checkLogo(big) as { problem: string }).problem,
    /the limit is 131072/,
  );
  assert.match(
    (checkLogo(utf8("%PDF-1.7")) as { problem: string }).problem,
    /PNG, WebP or SVG/,
  );
});

Deno.test("logo: an SVG that could act or load anything is refused, naming why", () => {
  const svg = (inner: string, attrs = "") =>
    utf8(`<svg xmlns="http://www.w3.org/2000/svg"${attrs}>${inner}</svg>`);
  const cases: [Uint8Array, RegExp][] = [
    [svg("<script>alert(1)</script>"), /<script> element/],
    [svg("<SCRIPT >alert(1)</SCRIPT>"), /<script> element/],
    [svg("", ' onload="alert(1)"'), /event handler/],
    [svg('<rect ONCLICK = "x()"/>'), /event handler/],
    [svg("<foreignObject><p>x</p></foreignObject>"), /foreignObject/],
    [
      svg('<a href="javascript:alert(1)"><text>x</text></a>'),
      /reference to another file|javascript:/,
    ],
    [
      svg('<image href="https://tracker.example/p.png"/>'),
      /reference to another file/,
    ],
    [svg("<use xlink:href='other.svg#x'/>"), /reference to another file/],
    [
      svg('<a href="&#106;avascript:alert(1)">x</a>'),
      /reference to another file/,
    ],
    [svg("<style>@import url(https://evil.example/x.css);</style>"), /style/],
    [svg('<rect style="fill:url(&quot;https://e.example/a&quot;)"/>'), /style/],
    [
      utf8('<!DOCTYPE svg [<!ENTITY a "b">]><svg></svg>'),
      /PNG, WebP or SVG|entity/,
    ],
    [utf8('<svg><!ENTITY a "b"></svg>'), /entity declaration/],
    [utf8("<svg>"), /closing <\/svg>/],
    [
      new Uint8Array([
        0x3c,
        0x73,
        0x76,
        0x67,
        0xff,
        0xfe,
        0x3c,
        0x2f,
        0x73,
        0x76,
        0x67,
        0x3e,
      ]),
      /not UTF-8/,
    ],
  ];
  for (const [bytes, why] of cases) {
    const result = checkLogo(bytes);
    assert.equal(result.ok, false, new TextDecoder().decode(bytes));
    assert.match((result as { problem: string }).problem, why);
  }
  // Fragment references, data:image and url(#…) in style stay allowed.
  assert.equal(
    checkLogo(
      svg(
        '<rect style="fill:url(#g)"/><image href="data:image/png;base64,AA=="/>',
      ),
    ).ok,
    true,
  );
});

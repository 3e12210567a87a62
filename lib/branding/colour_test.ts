import assert from "node:assert/strict";
import {
  accentProblem,
  contrast,
  MIN_CONTRAST,
  paletteOf,
  parseHex,
  passingShade,
  SURFACES,
  toHex,
  worstContrast,
} from "./colour.ts";

const hex = (v: string) => parseHex(v)!;
const round2 = (n: number) => Math.round(n * 100) / 100;

Deno.test("colour: contrast ratios are WCAG 2.1's (known answers)", () => {
  assert.equal(contrast(hex("#000000"), hex("#ffffff")), 21);
  assert.equal(contrast(hex("#ffffff"), hex("#ffffff")), 1);
  // The classic threshold pair: #777 just fails on white, #767676 passes.
  assert.equal(round2(contrast(hex("#777777"), hex("#ffffff"))), 4.48);
  assert.equal(round2(contrast(hex("#767676"), hex("#ffffff"))), 4.54);
  assert.equal(
    contrast(hex("#767676"), hex("#ffffff")),
    contrast(hex("#ffffff"), hex("#767676")),
  );
});

Deno.test("colour: only #rgb and #rrggbb parse; CSS smuggled in a colour does not", () => {
  assert.deepEqual(parseHex("#1F5FBF"), { r: 31, g: 95, b: 191 });
  assert.deepEqual(parseHex("#15b"), { r: 17, g: 85, b: 187 });
  for (
    const bad of [
      "red",
      "#12345",
      "#1234567",
      "1f5fbf",
      "#1f5fbf;",
      "red;}body{background:url(//evil.example)}",
      "#1f5fbf}body{display:none",
      "rgb(0,0,0)",
      "#gggggg",
      " #1f5fbf",
    ]
  ) {
    assert.equal(parseHex(bad), null, bad);
    assert.match(accentProblem(bad) ?? "", /must be a hex colour/, bad);
  }
  assert.equal(toHex(hex("#15B")), "#1155bb");
});

Deno.test("colour: an accent that misses 4.5:1 on a page background or under white text is refused, with a shade that passes", () => {
  // The built-in accent passes.
  assert.equal(accentProblem("#1f5fbf"), null);
  assert.ok(worstContrast(hex("#1f5fbf")) >= MIN_CONTRAST);
  for (const light of ["#ffcc00", "#777777", "#3b82f6", "#ffffff"]) {
    const problem = accentProblem(light);
    assert.ok(problem, `${light} is refused`);
    assert.match(problem, /WCAG 2\.1 AA needs 4\.5:1/);
    const suggested = problem.match(/such as (#[0-9a-f]{6}) passes/)![1];
    assert.equal(accentProblem(suggested), null, `${suggested} passes`);
    for (const surface of SURFACES) {
      assert.ok(contrast(hex(suggested), hex(surface)) >= MIN_CONTRAST);
    }
  }
  // A darker shade keeps the hue: yellow stays yellowish, not grey.
  const shade = passingShade(hex("#ffcc00"));
  assert.ok(shade.r > shade.b && shade.g > shade.b, toHex(shade));
});

Deno.test("colour: the palette keeps accent text readable on its tint, and hover is darker", () => {
  for (
    const accent of ["#1f5fbf", "#0b6e4f", "#6b21a8", "#000000", "#b42318"]
  ) {
    const p = paletteOf(accent);
    assert.equal(p.accent, accent);
    assert.equal(p.onAccent, "#ffffff");
    assert.ok(contrast(hex(p.accent), hex(p.soft)) >= MIN_CONTRAST, accent);
    assert.ok(contrast(hex("#1b1f24"), hex(p.soft)) >= MIN_CONTRAST, accent);
    assert.ok(
      contrast(hex(p.hover), hex("#ffffff")) >=
        contrast(hex(p.accent), hex("#ffffff")),
      `${accent}: hover ${p.hover} keeps white text readable`,
    );
  }
  assert.throws(() => paletteOf("#ffcc00"), /not an accepted accent/);
});

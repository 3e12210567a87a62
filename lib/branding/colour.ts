/**
 * The accent colour a brand may choose, and the palette the pages get from
 * it. WCAG 2.1 §1.4.3 (Contrast, Minimum, level AA): "The visual
 * presentation of text and images of text has a contrast ratio of at least
 * 4.5:1". The accent is text on every light surface of static/app.css
 * (links, secondary buttons, the current navigation item) and the
 * background of white button text, so a colour that misses 4.5:1 against
 * any of them is refused, with a darker shade of it that passes. The soft
 * tint is derived so accent text on it passes too.
 * @module
 */

/** An sRGB colour, channels 0-255. */
export interface RGB {
  r: number;
  g: number;
  b: number;
}

/** WCAG 2.1 §1.4.3 level AA for normal text. */
export const MIN_CONTRAST = 4.5;

/**
 * The light surfaces accent text is drawn on (static/app.css: --card,
 * --bg, --subtle), darkest last.
 */
export const SURFACES = ["#ffffff", "#f6f7f9", "#eef1f4"] as const;

/** Text on the accent (buttons), as static/app.css has it. */
export const ACCENT_TEXT = "#ffffff";

/** Body text (--fg), which sits on the soft tint too. */
const BODY_TEXT = "#1b1f24";

/** How much accent the soft tint (--accent-soft) mixes into white, at most. */
const SOFT_TINT = 0.1;

const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** `#1f5fbf` / `#15b` → RGB; null for anything else (names, rgb(), CSS). */
export function parseHex(value: string): RGB | null {
  const m = value.match(HEX);
  if (!m) return null;
  const hex = m[1].length === 3 ? [...m[1]].map((c) => c + c).join("") : m[1];
  const n = parseInt(hex, 16);
  return { r: n >> 16 & 255, g: n >> 8 & 255, b: n & 255 };
}

/** RGB → `#rrggbb` (lower case). */
export function toHex({ r, g, b }: RGB): string {
  return "#" +
    [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
}

/**
 * WCAG 2.1 relative luminance: "the relative brightness of any point in a
 * colorspace, normalized to 0 for darkest black and 1 for lightest white".
 */
export function luminance({ r, g, b }: RGB): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG 2.1 contrast ratio: (L1 + 0.05) / (L2 + 0.05), lighter over darker. */
export function contrast(a: RGB, b: RGB): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

function mix(a: RGB, b: RGB, amountOfA: number): RGB {
  const m = (x: number, y: number) =>
    Math.round(x * amountOfA + y * (1 - amountOfA));
  return { r: m(a.r, b.r), g: m(a.g, b.g), b: m(a.b, b.b) };
}

/** The lowest contrast of `colour` against the surfaces it is text on. */
export function worstContrast(colour: RGB): number {
  return Math.min(
    ...SURFACES.map((s) => contrast(colour, parseHex(s)!)),
    contrast(colour, parseHex(ACCENT_TEXT)!),
  );
}

/** A darker shade of `colour` (same hue) that reaches MIN_CONTRAST. */
export function passingShade(colour: RGB): RGB {
  const black = { r: 0, g: 0, b: 0 };
  for (let keep = 1; keep > 0; keep -= 0.02) {
    const shade = mix(colour, black, keep);
    if (worstContrast(shade) >= MIN_CONTRAST) return shade;
  }
  return black;
}

/** Why `value` cannot be the accent colour (a sentence for the admin), or null. */
export function accentProblem(value: string): string | null {
  const colour = parseHex(value);
  if (!colour) return "must be a hex colour such as #1f5fbf";
  const worst = worstContrast(colour);
  if (worst >= MIN_CONTRAST) return null;
  return `${toHex(colour)} has a contrast of ${
    (Math.floor(worst * 100) / 100).toFixed(2)
  }:1 against the page's light backgrounds and its white button text; ` +
    `WCAG 2.1 AA needs ${MIN_CONTRAST}:1 (a darker shade such as ${
      toHex(passingShade(colour))
    } passes)`;
}

/** The custom properties static/app.css reads (`--accent` and its kin). */
export interface Palette {
  accent: string;
  /** Buttons under the pointer: the accent, darker. */
  hover: string;
  /** Tinted backgrounds accent text sits on (the current nav item). */
  soft: string;
  /** Text on the accent. */
  onAccent: string;
}

/**
 * The palette of an accepted accent (`accentProblem` returned null): the
 * soft tint is as strong as SOFT_TINT allows while accent text and body
 * text on it keep MIN_CONTRAST.
 */
export function paletteOf(value: string): Palette {
  const accent = parseHex(value);
  if (!accent || worstContrast(accent) < MIN_CONTRAST) {
    throw new Error(`not an accepted accent colour: ${value}`);
  }
  const white = parseHex("#ffffff")!;
  const body = parseHex(BODY_TEXT)!;
  let soft = white;
  for (let tint = SOFT_TINT; tint > 0; tint -= 0.01) {
    const candidate = mix(accent, white, tint);
    if (
      contrast(accent, candidate) >= MIN_CONTRAST &&
      contrast(body, candidate) >= MIN_CONTRAST
    ) {
      soft = candidate;
      break;
    }
  }
  return {
    accent: toHex(accent),
    hover: toHex(mix(accent, { r: 0, g: 0, b: 0 }, 0.8)),
    soft: toHex(soft),
    onAccent: ACCENT_TEXT,
  };
}

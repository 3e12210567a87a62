/**
 * What a logo may be: PNG, WebP or SVG, at most LOGO_MAX_BYTES, its type
 * read from its bytes (never from a name or a header someone sent). SVG is
 * accepted because logos are mostly drawn as SVG, and served so it cannot
 * act (lib/branding/assets.ts: its own `Content-Security-Policy:
 * default-src 'none'; style-src 'unsafe-inline'; sandbox`, nosniff, and it
 * is only ever shown through <img>, where browsers run no script at all).
 * On top of that an SVG carrying script, event handlers, foreignObject,
 * entity declarations or references outside itself is refused here, so a
 * hostile file never reaches the database.
 * @module
 */

/** The largest logo accepted (upload or URL). */
export const LOGO_MAX_BYTES = 128 * 1024;

export const LOGO_TYPES = ["image/png", "image/webp", "image/svg+xml"] as const;
export type LogoType = (typeof LOGO_TYPES)[number];

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** What SVG a logo must not contain (checked on the lower-cased text). */
const SVG_REFUSED: [RegExp, string][] = [
  [/<script[\s>/]/, "a <script> element"],
  [/<foreignobject[\s>/]/, "a <foreignObject> element"],
  [/<!entity/, "an entity declaration"],
  [/\son[a-z]+\s*=/, "an event handler attribute (on…=)"],
  [/javascript:/, "a javascript: URL"],
  [
    /(?:href|src)\s*=\s*(?:["']\s*)?(?!["'#]|data:image\/)[^"'\s>]/,
    "a reference to another file (only #fragments and data:image URLs)",
  ],
  [
    /@import|url\(\s*(?:["']\s*)?(?!["'#]|data:image\/)/,
    "a reference to another file in its style",
  ],
];

function startsWith(bytes: Uint8Array, prefix: number[], at = 0): boolean {
  return prefix.every((b, i) => bytes[at + i] === b);
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** The image type of `bytes`, by signature; null when not one we take. */
export function sniffLogoType(bytes: Uint8Array): LogoType | null {
  if (startsWith(bytes, PNG_SIGNATURE)) return "image/png";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) {
    return "image/webp";
  }
  const head = new TextDecoder("utf-8", { fatal: false }).decode(
    bytes.subarray(0, 1024),
  ).replace(/^\uFEFF/, "").trimStart().toLowerCase();
  // An XML declaration, comments or a doctype may come before the root.
  const rest = head.replace(/^(?:<\?xml[^>]*\?>\s*|<!--[\s\S]*?-->\s*)*/, "")
    .replace(/^<!doctype[^>]*>\s*/, "");
  if (rest.startsWith("<svg")) return "image/svg+xml";
  return null;
}

export type LogoCheck =
  | { ok: true; type: LogoType }
  | { ok: false; problem: string };

/** Whether `bytes` may be the logo, and its type; the problem as a sentence. */
export function checkLogo(bytes: Uint8Array): LogoCheck {
  if (bytes.length === 0) return { ok: false, problem: "is empty" };
  if (bytes.length > LOGO_MAX_BYTES) {
    return {
      ok: false,
      problem: `is ${bytes.length} bytes; the limit is ${LOGO_MAX_BYTES}`,
    };
  }
  const type = sniffLogoType(bytes);
  if (!type) {
    return { ok: false, problem: "must be a PNG, WebP or SVG image" };
  }
  if (type === "image/svg+xml") {
    let text: string;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      return { ok: false, problem: "is an SVG that is not UTF-8 text" };
    }
    const lower = text.toLowerCase();
    if (!/<\/svg\s*>\s*$/.test(lower.trimEnd())) {
      return { ok: false, problem: "is an SVG without its closing </svg>" };
    }
    for (const [pattern, what] of SVG_REFUSED) {
      if (pattern.test(lower)) {
        return { ok: false, problem: `is an SVG with ${what}` };
      }
    }
  }
  return { ok: true, type };
}

/**
 * What pages link for the branding, and the two routes that serve it:
 * `/branding/theme.css` (the accent as the custom properties static/app.css
 * reads: a stylesheet of our own origin, so the CSP keeps `style-src
 * 'self'` and no inline style), and `/branding/logo` (the stored image,
 * from our origin only, so `img-src` stays `'self' data:`). Both URLs carry
 * the branding's version, so a change is a new URL: an answer for the
 * current version may be cached for a year, any other is re-fetched.
 * @module
 */
import type { Branding } from "./branding.ts";
import type { Palette } from "./colour.ts";

export const THEME_PATH = "/branding/theme.css";
export const LOGO_PATH = "/branding/logo";

/**
 * The logo's own CSP: nothing may load, nothing may run, and opened on its
 * own the document is sandboxed (a unique origin, no script), so even an
 * SVG that slipped past lib/branding/logo.ts could not act for our origin.
 */
export const LOGO_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/** What the page shell shows of the branding. */
export interface BrandLook {
  /** The product name; null: the default ("Authorization Server"). */
  name: string | null;
  logoURL: string | null;
  /** The accent stylesheet, when the accent is not the default. */
  themeURL: string | null;
  /** https or mailto. */
  supportURL: string | null;
}

export const DEFAULT_LOOK: BrandLook = {
  name: null,
  logoURL: null,
  themeURL: null,
  supportURL: null,
};

/** The page shell's view of `branding`. */
export function brandLook(branding: Branding): BrandLook {
  const v = encodeURIComponent(branding.version);
  return {
    name: branding.settings.name,
    logoURL: branding.logo ? `${LOGO_PATH}?v=${v}` : null,
    themeURL: branding.palette ? `${THEME_PATH}?v=${v}` : null,
    supportURL: branding.settings.supportURL,
  };
}

/** The stylesheet for a palette (values are `#rrggbb` from lib/branding/colour.ts). */
export function themeCSS(palette: Palette | null): string {
  if (!palette) return "/* the default accent */\n";
  return `:root {\n  --accent: ${palette.accent};\n  --accent-hover: ${palette.hover};\n` +
    `  --accent-soft: ${palette.soft};\n  --accent-fg: ${palette.onAccent};\n}\n`;
}

function cacheControl(req: Request, branding: Branding): string {
  const asked = new URL(req.url).searchParams.get("v");
  return asked === branding.version
    ? "public, max-age=31536000, immutable"
    : "no-cache";
}

function notModified(
  req: Request,
  etag: string,
  headers: HeadersInit,
): Response | null {
  if (req.headers.get("If-None-Match") !== etag) return null;
  return new Response(null, { status: 304, headers });
}

/** GET /branding/theme.css. */
export function themeResponse(req: Request, branding: Branding): Response {
  const etag = `"${branding.version}"`;
  const headers = {
    "Content-Type": "text/css; charset=utf-8",
    "Cache-Control": cacheControl(req, branding),
    ETag: etag,
  };
  return notModified(req, etag, headers) ??
    new Response(themeCSS(branding.palette), { headers });
}

/** GET /branding/logo: the stored image under its sniffed type, or 404. */
export function logoResponse(req: Request, branding: Branding): Response {
  const logo = branding.logo;
  if (!logo) {
    return new Response(
      JSON.stringify({
        error: "not_found",
        error_description: "no logo is set",
      }),
      {
        status: 404,
        headers: {
          "Content-Type": "application/json",
          "Cache-Control": "no-cache",
        },
      },
    );
  }
  const etag = `"${logo.sha256.slice(0, 32)}"`;
  const headers = {
    "Content-Type": logo.type,
    "Content-Security-Policy": LOGO_CSP,
    "Content-Disposition": "inline",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": cacheControl(req, branding),
    ETag: etag,
  };
  return notModified(req, etag, headers) ??
    new Response(logo.bytes, { headers });
}

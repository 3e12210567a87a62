/**
 * The server's branding: a product name, a logo, an accent colour and a
 * support link, set by the admin (lib/admin/branding_admin.ts) and shown
 * on every page. Kept in server_settings (`branding`, and `branding.logo`
 * for the image, base64) and cached with the configuration
 * (lib/db/config_cache.ts): a write bumps the configuration version in its
 * transaction, so every thread of this process sees it on its next request
 * and other instances within a second. What is stored was validated on the
 * way in (lib/admin/schemas.ts, lib/branding/logo.ts); what is read back is
 * parsed again and dropped if it does not fit.
 * @module
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { bumpConfigVersion, derivedFromConfig } from "../db/config_cache.ts";
import type { DB } from "../db/schema.ts";
import { deleteSetting, findSetting, upsertSetting } from "../db/settings.ts";
import {
  MIN_CONTRAST,
  type Palette,
  paletteOf,
  parseHex,
  worstContrast,
} from "./colour.ts";
import { checkLogo, type LogoType } from "./logo.ts";

const SETTINGS_KEY = "branding";
const LOGO_KEY = "branding.logo";

/** What the admin sets besides the logo; null: the default. */
export interface BrandSettings {
  name: string | null;
  accentColor: string | null;
  supportURL: string | null;
}

export interface Logo {
  type: LogoType;
  bytes: Uint8Array<ArrayBuffer>;
  /** Hex SHA-256 of the bytes (its ETag and cache key). */
  sha256: string;
  /** The https URL it was fetched from, when it came from one. */
  sourceURL: string | null;
  updatedAt: number;
}

export interface Branding {
  settings: BrandSettings;
  logo: Logo | null;
  /** The palette of the accent colour; null keeps the stylesheet's own. */
  palette: Palette | null;
  /** Changes whenever anything here does: the assets' cache key. */
  version: string;
}

export const DEFAULT_SETTINGS: BrandSettings = {
  name: null,
  accentColor: null,
  supportURL: null,
};

/** No branding at all (a fresh server, or the database unreachable). */
export const NO_BRANDING: Branding = {
  settings: DEFAULT_SETTINGS,
  logo: null,
  palette: null,
  version: "0",
};

function hashBytes(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function parseSettings(raw: string | null): BrandSettings {
  if (raw === null) return DEFAULT_SETTINGS;
  try {
    const v = JSON.parse(raw);
    const accent = stringOrNull(v?.accent_color);
    const colour = accent ? parseHex(accent) : null;
    return {
      name: stringOrNull(v?.name),
      // A colour that no longer passes (the rules tightened) is dropped.
      accentColor: colour && worstContrast(colour) >= MIN_CONTRAST
        ? accent
        : null,
      supportURL: stringOrNull(v?.support_url),
    };
  } catch {
    return DEFAULT_SETTINGS;
  }
}

function parseLogo(raw: string | null): Logo | null {
  if (raw === null) return null;
  try {
    const v = JSON.parse(raw);
    const bytes = new Uint8Array(Buffer.from(String(v?.data ?? ""), "base64"));
    const checked = checkLogo(bytes);
    if (!checked.ok) return null;
    return {
      type: checked.type,
      bytes,
      sha256: hashBytes(bytes),
      sourceURL: stringOrNull(v?.source_url),
      updatedAt: Number(v?.updated_at) || 0,
    };
  } catch {
    return null;
  }
}

/** The branding as stored now (the admin API reads it so, never cached). */
export async function loadBranding(db: DB): Promise<Branding> {
  const settings = parseSettings(await findSetting(db, SETTINGS_KEY));
  const logo = parseLogo(await findSetting(db, LOGO_KEY));
  const version = createHash("sha256")
    .update(JSON.stringify(settings)).update(logo?.sha256 ?? "")
    .digest("hex").slice(0, 16);
  return {
    settings,
    logo,
    palette: settings.accentColor ? paletteOf(settings.accentColor) : null,
    version,
  };
}

/**
 * The branding every page shows, from the configuration cache (one
 * database read per change, per thread).
 */
export async function currentBranding(db: DB): Promise<Branding> {
  return await derivedFromConfig(db, "branding", () => loadBranding(db));
}

/** Stores the settings (already validated) and tells every thread. */
export async function saveBrandSettings(
  db: DB,
  settings: BrandSettings,
  now: number,
): Promise<void> {
  await upsertSetting(
    db,
    SETTINGS_KEY,
    JSON.stringify({
      name: settings.name,
      accent_color: settings.accentColor,
      support_url: settings.supportURL,
    }),
    now,
  );
  await bumpConfigVersion(db);
}

/** Stores a checked logo (lib/branding/logo.ts) and tells every thread. */
export async function saveLogo(
  db: DB,
  bytes: Uint8Array,
  sourceURL: string | null,
  now: number,
): Promise<void> {
  await upsertSetting(
    db,
    LOGO_KEY,
    JSON.stringify({
      data: Buffer.from(bytes).toString("base64"),
      source_url: sourceURL,
      updated_at: now,
    }),
    now,
  );
  await bumpConfigVersion(db);
}

/** Removes the logo (pages show the name alone). */
export async function deleteLogo(db: DB): Promise<void> {
  await deleteSetting(db, LOGO_KEY);
  await bumpConfigVersion(db);
}

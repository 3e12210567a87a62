/**
 * Branding through the admin API (`/admin/branding`, `/admin/branding/logo`)
 * and the admin Branding page: the product name, accent colour and support
 * link, and the logo (uploaded as base64, or fetched once from an https URL
 * through the server's safe fetcher and kept; pages never link a logo
 * elsewhere, so `img-src` stays `'self' data:`). Every change is one
 * transaction with its audit event, and bumps the configuration version,
 * so every thread shows it on its next request.
 * @module
 */
import { Buffer } from "node:buffer";
import { LOGO_PATH } from "../branding/assets.ts";
import {
  type Branding,
  deleteLogo,
  loadBranding,
  saveBrandSettings,
  saveLogo,
} from "../branding/branding.ts";
import {
  checkLogo,
  LOGO_MAX_BYTES,
  LOGO_TYPES,
  type LogoType,
} from "../branding/logo.ts";
import type { Deps } from "../deps.ts";
import { invalidFields, parseWith } from "../http/json_body.ts";
import { OutboundError } from "../net/safe_fetch.ts";
import type { AdminActor } from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";
import { BrandingUpdate, LogoSet } from "./schemas.ts";

export interface LogoView {
  content_type: LogoType;
  bytes: number;
  sha256: string;
  /** Where pages load it (this server). */
  url: string;
  /** The https URL it was fetched from, if it came from one. */
  source_url: string | null;
  updated_at: number;
}

export interface BrandingView {
  name: string | null;
  accent_color: string | null;
  support_url: string | null;
  logo: LogoView | null;
  /** The colours pages use for the accent; null: the built-in ones. */
  palette: {
    accent: string;
    hover: string;
    soft: string;
    on_accent: string;
  } | null;
}

function viewOf(branding: Branding): BrandingView {
  const { settings, logo, palette } = branding;
  return {
    name: settings.name,
    accent_color: settings.accentColor,
    support_url: settings.supportURL,
    logo: logo
      ? {
        content_type: logo.type,
        bytes: logo.bytes.length,
        sha256: logo.sha256,
        url: `${LOGO_PATH}?v=${branding.version}`,
        source_url: logo.sourceURL,
        updated_at: logo.updatedAt,
      }
      : null,
    palette: palette
      ? {
        accent: palette.accent,
        hover: palette.hover,
        soft: palette.soft,
        on_accent: palette.onAccent,
      }
      : null,
  };
}

export async function brandingView(deps: Deps): Promise<BrandingView> {
  return viewOf(await loadBranding(deps.db));
}

/** Sets any of name, accent colour and support link (null: the default). */
export async function updateBranding(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<BrandingView> {
  const input = parseWith(BrandingUpdate, body);
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const current = (await loadBranding(trx)).settings;
    const next = {
      name: input.name === undefined ? current.name : input.name,
      accentColor: input.accent_color === undefined
        ? current.accentColor
        : input.accent_color,
      supportURL: input.support_url === undefined
        ? current.supportURL
        : input.support_url,
    };
    await saveBrandSettings(trx, next, now);
    await recordAdminEvent(trx, who, {
      action: "branding.updated",
      targetType: "branding",
      targetID: null,
      detail: { ...input },
    }, now);
  });
  return await brandingView(deps);
}

/** A 400 about one field of the logo request. */
function logoRefused(path: "data" | "url", message: string): never {
  throw invalidFields([{ path, message }]);
}

/** The image at an https URL, fetched once (the SSRF-safe fetcher, capped). */
async function fetchLogo(deps: Deps, url: string): Promise<Uint8Array> {
  let answer;
  try {
    answer = await deps.fetcher(url, {
      accept: LOGO_TYPES.join(", "),
      maxBytes: LOGO_MAX_BYTES,
    });
  } catch (err) {
    if (err instanceof OutboundError) {
      logoRefused("url", `could not be fetched: ${err.message}`);
    }
    throw err;
  }
  if (answer.status !== 200) {
    logoRefused("url", `answered HTTP ${answer.status}, not 200`);
  }
  return answer.body;
}

/** Sets the logo from `data` (base64) or `url`; 400 names what is wrong. */
export async function setLogo(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<BrandingView> {
  const input = parseWith(LogoSet, body);
  const field = input.url !== undefined ? "url" : "data";
  const bytes = input.url !== undefined
    ? await fetchLogo(deps, input.url)
    : new Uint8Array(Buffer.from(input.data ?? "", "base64"));
  const checked = checkLogo(bytes);
  if (!checked.ok) logoRefused(field, `the image ${checked.problem}`);
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    await saveLogo(trx, bytes, input.url ?? null, now);
    await recordAdminEvent(trx, who, {
      action: "branding.logo_set",
      targetType: "branding",
      targetID: null,
      detail: {
        content_type: checked.type,
        bytes: bytes.length,
        source_url: input.url ?? null,
      },
    }, now);
  });
  return await brandingView(deps);
}

/** Removes the logo (pages show the name alone). */
export async function removeLogo(
  deps: Deps,
  who: AdminActor,
): Promise<BrandingView> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    await deleteLogo(trx);
    await recordAdminEvent(trx, who, {
      action: "branding.logo_removed",
      targetType: "branding",
      targetID: null,
    }, now);
  });
  return await brandingView(deps);
}

/**
 * Who may register a client without an admin: RFC 7591 dynamic
 * registration per kind of client (off | initial-access-token | open) and
 * Client ID Metadata Documents (on or off, allowed and denied hosts, how
 * long a fetched document is kept). Stored in server_settings, read through
 * the configuration cache (a change reaches every thread and instance like
 * a client edit does); a value the environment pins wins over the stored
 * one and cannot be changed by an admin.
 * @module
 */
import { bumpConfigVersion, derivedFromConfig } from "../../db/config_cache.ts";
import type { DB } from "../../db/schema.ts";
import { findSetting, upsertSetting } from "../../db/settings.ts";
import type { Deps } from "../../deps.ts";
import type { RegistrationPolicy } from "../vocabulary.ts";

const SETTINGS_KEY = "registration_settings";

export interface RegistrationSettings {
  /** RFC 7591 for clients without a secret. Default: open. */
  publicClients: RegistrationPolicy;
  /** RFC 7591 for clients with a secret. Default: initial-access-token. */
  confidentialClients: RegistrationPolicy;
  /** https client_id URLs are fetched as metadata documents. Default: on. */
  metadataDocuments: boolean;
  /** Host names documents may come from (`*.example.com` too); empty: any. */
  allowedHosts: string[];
  /** Host names never fetched. */
  deniedHosts: string[];
  /** Bounds on how long a fetched document is kept, whatever it says. */
  minCacheSeconds: number;
  maxCacheSeconds: number;
}

export type SettingName = keyof RegistrationSettings;

export const DEFAULT_REGISTRATION_SETTINGS: RegistrationSettings = {
  publicClients: "open",
  confidentialClients: "initial-access-token",
  metadataDocuments: true,
  allowedHosts: [],
  deniedHosts: [],
  minCacheSeconds: 300,
  maxCacheSeconds: 86400,
};

/** The settings and which of them the environment pinned. */
export interface EffectiveRegistrationSettings extends RegistrationSettings {
  pinned: SettingName[];
}

async function readStored(db: DB): Promise<Partial<RegistrationSettings>> {
  const raw = await findSetting(db, SETTINGS_KEY);
  if (raw === null) return {};
  try {
    return JSON.parse(raw) as Partial<RegistrationSettings>;
  } catch {
    return {};
  }
}

function pinnedBy(deps: Deps): Partial<RegistrationSettings> {
  const pinned: Partial<RegistrationSettings> = {};
  const env = deps.config.clientRegistration;
  if (env.publicClients) pinned.publicClients = env.publicClients;
  if (env.confidentialClients) {
    pinned.confidentialClients = env.confidentialClients;
  }
  if (env.metadataDocuments !== undefined) {
    pinned.metadataDocuments = env.metadataDocuments;
  }
  return pinned;
}

/** The settings in force, from the configuration cache. */
export async function registrationSettings(
  deps: Deps,
): Promise<EffectiveRegistrationSettings> {
  return await derivedFromConfig(deps.db, SETTINGS_KEY, async () => {
    const pinned = pinnedBy(deps);
    return {
      ...DEFAULT_REGISTRATION_SETTINGS,
      ...(await readStored(deps.db)),
      ...pinned,
      pinned: Object.keys(pinned) as SettingName[],
    };
  });
}

/**
 * Stores a change (the caller has validated it and checked it touches
 * nothing pinned); returns the settings in force after it.
 */
export async function storeRegistrationSettings(
  trx: DB,
  deps: Deps,
  change: Partial<RegistrationSettings>,
  now: number,
): Promise<EffectiveRegistrationSettings> {
  const stored = { ...(await readStored(trx)), ...change };
  await upsertSetting(trx, SETTINGS_KEY, JSON.stringify(stored), now);
  await bumpConfigVersion(trx);
  const pinned = pinnedBy(deps);
  return {
    ...DEFAULT_REGISTRATION_SETTINGS,
    ...stored,
    ...pinned,
    pinned: Object.keys(pinned) as SettingName[],
  };
}

/** Whether `host` matches one of `patterns` (`*.example.com`: subdomains). */
export function hostMatches(
  host: string,
  patterns: readonly string[],
): boolean {
  const h = host.toLowerCase();
  return patterns.some((p) => {
    const pattern = p.toLowerCase();
    return pattern.startsWith("*.")
      ? h.endsWith(pattern.slice(1))
      : h === pattern;
  });
}

/** Whether documents may be fetched from `host` under these settings. */
export function hostAllowed(
  settings: RegistrationSettings,
  host: string,
): boolean {
  if (hostMatches(host, settings.deniedHosts)) return false;
  return settings.allowedHosts.length === 0 ||
    hostMatches(host, settings.allowedHosts);
}

/**
 * Self-registration through the admin API: the policy (RFC 7591 per kind
 * of client, Client ID Metadata Documents with their host lists and cache
 * bounds) and the initial access tokens (RFC 7591 §3) an admin hands out,
 * shown once and stored as SHA-256. Every change is audited; a setting
 * the environment pins cannot be changed here (409).
 * @module
 */
import {
  deleteInitialAccessToken,
  insertInitialAccessToken,
  listInitialAccessTokens,
} from "../db/initial_access_tokens.ts";
import type { InitialAccessTokenRow } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import { HttpError } from "../http/http_error.ts";
import { parseWith } from "../http/json_body.ts";
import {
  type EffectiveRegistrationSettings,
  type RegistrationSettings,
  registrationSettings,
  type SettingName,
  storeRegistrationSettings,
} from "../oauth/clients/registration_settings.ts";
import { randomToken, sha256 } from "../security/crypto.ts";
import { type AdminActor, notFound, throwIssues } from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";
import {
  InitialAccessTokenCreate,
  RegistrationSettingsUpdate,
} from "./schemas.ts";

export interface RegistrationSettingsView {
  public_clients: RegistrationSettings["publicClients"];
  confidential_clients: RegistrationSettings["confidentialClients"];
  metadata_documents: boolean;
  allowed_hosts: string[];
  denied_hosts: string[];
  min_cache_seconds: number;
  max_cache_seconds: number;
  /** Settings fixed by environment variables (not changeable here). */
  pinned: string[];
}

/** API field name -> setting. */
const FIELDS: Record<string, SettingName> = {
  public_clients: "publicClients",
  confidential_clients: "confidentialClients",
  metadata_documents: "metadataDocuments",
  allowed_hosts: "allowedHosts",
  denied_hosts: "deniedHosts",
  min_cache_seconds: "minCacheSeconds",
  max_cache_seconds: "maxCacheSeconds",
};

function settingsView(
  s: EffectiveRegistrationSettings,
): RegistrationSettingsView {
  const names = Object.fromEntries(
    Object.entries(FIELDS).map(([field, setting]) => [setting, field]),
  );
  return {
    public_clients: s.publicClients,
    confidential_clients: s.confidentialClients,
    metadata_documents: s.metadataDocuments,
    allowed_hosts: s.allowedHosts,
    denied_hosts: s.deniedHosts,
    min_cache_seconds: s.minCacheSeconds,
    max_cache_seconds: s.maxCacheSeconds,
    pinned: s.pinned.map((p) => names[p]),
  };
}

export async function getRegistrationSettings(
  deps: Deps,
): Promise<RegistrationSettingsView> {
  return settingsView(await registrationSettings(deps));
}

export async function saveRegistrationSettings(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<RegistrationSettingsView> {
  const input = parseWith(RegistrationSettingsUpdate, body);
  const current = await registrationSettings(deps);
  const change: Partial<RegistrationSettings> = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const setting = FIELDS[field];
    if (current.pinned.includes(setting)) {
      throw new HttpError(
        409,
        `${field} is set by the environment and cannot be changed here`,
        { details: { field } },
      );
    }
    (change as Record<string, unknown>)[setting] = value;
  }
  const min = change.minCacheSeconds ?? current.minCacheSeconds;
  const max = change.maxCacheSeconds ?? current.maxCacheSeconds;
  if (min > max) {
    throwIssues([{
      path: "min_cache_seconds",
      message: "must not exceed max_cache_seconds",
    }]);
  }
  const now = deps.now();
  const saved = await deps.db.transaction().execute(async (trx) => {
    const saved = await storeRegistrationSettings(trx, deps, change, now);
    await recordAdminEvent(trx, who, {
      action: "registration.settings_updated",
      targetType: "settings",
      targetID: "registration",
      detail: { changes: input },
    }, now);
    return saved;
  });
  return settingsView(saved);
}

export interface InitialAccessTokenView {
  id: string;
  description: string;
  expires_at: number;
  uses_left: number;
  created_at: number;
}

function tokenView(row: InitialAccessTokenRow): InitialAccessTokenView {
  return {
    id: row.id,
    description: row.description,
    expires_at: row.expires_at,
    uses_left: row.uses_left,
    created_at: row.created_at,
  };
}

export async function listInitialAccessTokenViews(
  deps: Deps,
): Promise<InitialAccessTokenView[]> {
  return (await listInitialAccessTokens(deps.db)).map(tokenView);
}

/** Issues a token; its value is in this answer only. */
export async function issueInitialAccessToken(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<InitialAccessTokenView & { token: string }> {
  const input = parseWith(InitialAccessTokenCreate, body);
  const now = deps.now();
  const token = randomToken(32);
  const row: InitialAccessTokenRow = {
    id: crypto.randomUUID(),
    token_hash: sha256(token),
    description: input.description,
    expires_at: now + input.expires_in,
    uses_left: input.uses,
    created_at: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    await insertInitialAccessToken(trx, row);
    await recordAdminEvent(trx, who, {
      action: "initial_access_token.created",
      targetType: "initial_access_token",
      targetID: row.id,
      detail: {
        description: row.description,
        expires_at: row.expires_at,
        uses: row.uses_left,
      },
    }, now);
  });
  return { ...tokenView(row), token };
}

export async function revokeInitialAccessToken(
  deps: Deps,
  who: AdminActor,
  id: string,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await deleteInitialAccessToken(trx, id))) {
      throw notFound("initial access token", id);
    }
    await recordAdminEvent(trx, who, {
      action: "initial_access_token.deleted",
      targetType: "initial_access_token",
      targetID: id,
    }, now);
  });
}

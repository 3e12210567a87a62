/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-
 * document): a client whose `client_id` is an https URL is described by
 * the JSON document at that URL. Fetched through the one safe fetcher
 * (deps.fetcher: no private targets, size and time caps, no redirects),
 * validated like every registration (the document's `client_id` must equal
 * its URL, exact redirect URIs, a public client), and kept as a client row
 * of its own (registration_type metadata_document) until its HTTP caching
 * lifetime, bounded by the admin's minimum and maximum, runs out; then it
 * is fetched again. Such clients always get the consent screen, which
 * shows the document's host; an admin may turn the feature off, allow or
 * deny hosts, and block (disable) a fetched client, which is then never
 * fetched again.
 * @module
 */
import type { z } from "zod";
import { derivedFromConfig } from "../../db/config_cache.ts";
import { findClientWithPolicy, upsertFetchedClient } from "../../db/clients.ts";
import type { DB } from "../../db/schema.ts";
import { listScopes } from "../../db/scopes.ts";
import type { Deps } from "../../deps.ts";
import { OutboundError } from "../../net/safe_fetch.ts";
import { type Client, toClient } from "./client.ts";
import { MetadataDocument } from "./metadata.ts";
import {
  hostAllowed,
  type RegistrationSettings,
  registrationSettings,
} from "./registration_settings.ts";

/** How long a failed fetch is remembered (per thread, until a config change). */
const FAILURE_SECONDS = 60;
/** client_id fits the clients table's key comparisons (lib/oauth/clients/registry.ts). */
const MAX_URL_LENGTH = 255;

/** Why a metadata document client could not be loaded. */
export class MetadataDocumentError extends Error {
  override name = "MetadataDocumentError";
}

/**
 * Whether `clientID` is a metadata document URL (draft §3): "https"
 * scheme, a path, no fragment, no user info, no dot segments. A query is
 * refused too (the draft says SHOULD NOT; nothing needs one).
 */
export function isMetadataDocumentURL(clientID: string): boolean {
  if (!clientID.startsWith("https://") || clientID.length > MAX_URL_LENGTH) {
    return false;
  }
  let url: URL;
  try {
    url = new URL(clientID);
  } catch {
    return false;
  }
  if (url.href !== clientID) return false;
  if (url.pathname === "/" || url.hash || url.search) return false;
  if (url.username || url.password) return false;
  return !/\/\.\.?(\/|$)/.test(clientID.slice(8));
}

/**
 * RFC 9111 §5.2.2: how long the document may be kept: `max-age` (or
 * `s-maxage`), else `Expires`; `no-store`/`no-cache` mean as short as the
 * admin allows; all within [min, max].
 */
export function cacheSeconds(
  headers: Headers,
  now: number,
  settings: Pick<RegistrationSettings, "minCacheSeconds" | "maxCacheSeconds">,
): number {
  const control = (headers.get("Cache-Control") ?? "").toLowerCase();
  let seconds: number | null = null;
  if (/\b(no-store|no-cache)\b/.test(control)) seconds = 0;
  else {
    const age = control.match(/\b(?:s-maxage|max-age)\s*=\s*"?(\d+)/);
    if (age) seconds = Number(age[1]);
    else if (headers.has("Expires")) {
      const at = Date.parse(headers.get("Expires")!);
      seconds = Number.isNaN(at) ? 0 : Math.floor(at / 1000) - now;
    }
  }
  const wanted = seconds ?? settings.minCacheSeconds;
  return Math.min(
    settings.maxCacheSeconds,
    Math.max(settings.minCacheSeconds, wanted),
  );
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue?.path.join(".");
  return `${path ? `${path}: ` : ""}${issue?.message ?? "invalid"}`;
}

/** Fetches and validates the document at `url`. */
async function fetchDocument(
  deps: Deps,
  url: string,
): Promise<{ document: z.output<typeof MetadataDocument>; headers: Headers }> {
  let answer;
  try {
    answer = await deps.fetcher(url, { accept: "application/json" });
  } catch (err) {
    throw new MetadataDocumentError(
      err instanceof OutboundError ? err.message : "the fetch failed",
    );
  }
  // Draft §4: the document is served with 200; a redirect is not followed.
  if (answer.status !== 200) {
    throw new MetadataDocumentError(
      `the client metadata document answered ${answer.status}`,
    );
  }
  const type = (answer.headers.get("Content-Type") ?? "").toLowerCase();
  if (!/^application\/([a-z0-9.+-]*\+)?json\b/.test(type)) {
    throw new MetadataDocumentError(
      "the client metadata document is not application/json",
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(answer.body));
  } catch {
    throw new MetadataDocumentError("the client metadata document is not JSON");
  }
  const parsed = MetadataDocument.safeParse(json);
  if (!parsed.success) {
    throw new MetadataDocumentError(
      `the client metadata document is invalid: ${describe(parsed.error)}`,
    );
  }
  // Draft §4.1: "the client_id property ... MUST match the URL of the
  // document using simple string comparison".
  if (parsed.data.client_id !== url) {
    throw new MetadataDocumentError(
      "the client metadata document's client_id is not its URL",
    );
  }
  return { document: parsed.data, headers: answer.headers };
}

/** The scopes such a client may ask for: what it states that exists, else all. */
async function scopesFor(
  db: DB,
  stated: string[] | undefined,
): Promise<string[]> {
  const known = (await listScopes(db)).map((s) => s.name);
  return stated ? stated.filter((s) => known.includes(s)) : known;
}

/** Writes (or rewrites) the client rows of a fetched document. */
async function storeDocument(
  deps: Deps,
  url: string,
  document: z.output<typeof MetadataDocument>,
  expiresAt: number,
): Promise<void> {
  const now = deps.now();
  const scope = (await scopesFor(deps.db, document.scope)).join(" ");
  const client = {
    client_name: document.client_name ?? new URL(url).host,
    client_secret_hash: null,
    redirect_uris: JSON.stringify(document.redirect_uris),
    grant_types: document.grant_types.join(" "),
    response_types: document.response_types.join(" "),
    scope,
    token_endpoint_auth_method: "none",
    require_consent: 1 as const,
    registration_type: "metadata_document",
    application_type: document.application_type,
    metadata_fetched_at: now,
    metadata_expires_at: expiresAt,
    updated_at: now,
  };
  const policy = {
    allowed_scopes: scope,
    default_scopes: scope,
    post_logout_redirect_uris: JSON.stringify(
      document.post_logout_redirect_uris,
    ),
    require_pkce: 1 as const,
    // Nobody here vouches for it: the user is asked every time.
    consent_policy: "always",
    updated_at: now,
  };
  await deps.db.transaction().execute((trx) =>
    upsertFetchedClient(trx, url, client, policy, now)
  );
}

/** At most this many failures are remembered per thread. */
const MAX_FAILURES = 1000;

interface Failure {
  until: number;
  message: string;
}

/**
 * Recent failures by URL (per thread; forgotten at every configuration
 * change, so an admin's new setting applies at once): a client id that
 * fails is not fetched again on every request. Bounded: a flood of
 * distinct bad URLs empties it rather than growing it.
 */
async function failures(deps: Deps): Promise<Map<string, Failure>> {
  const map = await derivedFromConfig(
    deps.db,
    "metadata-document-failures",
    () => Promise.resolve(new Map<string, Failure>()),
  );
  if (map.size >= MAX_FAILURES) map.clear();
  return map;
}

/**
 * The client of a metadata document URL: the stored copy while it is
 * fresh, else fetched (again). Null when the feature is off or the host is
 * not allowed; throws MetadataDocumentError when the document cannot be
 * had or is invalid.
 */
export async function metadataDocumentClient(
  deps: Deps,
  url: string,
  stored: Client | null,
): Promise<Client | null> {
  const settings = await registrationSettings(deps);
  if (!settings.metadataDocuments) return null;
  if (!hostAllowed(settings, new URL(url).hostname)) return null;
  if (stored?.disabled) return null;
  const now = deps.now();
  if (stored && (stored.metadataExpiresAt ?? 0) > now) return stored;
  const failed = await failures(deps);
  const recent = failed.get(url);
  if (recent && recent.until > now) {
    throw new MetadataDocumentError(recent.message);
  }
  let fetched;
  try {
    fetched = await fetchDocument(deps, url);
  } catch (err) {
    const message = (err as Error).message;
    failed.set(url, { until: now + FAILURE_SECONDS, message });
    deps.log.log("warn", "client metadata document refused", {
      client_id: url,
      reason: message,
    });
    throw err;
  }
  failed.delete(url);
  const ttl = cacheSeconds(fetched.headers, now, settings);
  await storeDocument(deps, url, fetched.document, now + ttl);
  const found = await findClientWithPolicy(deps.db, url);
  if (!found) return null;
  const client = toClient(found.client, found.policy);
  return client.disabled ? null : client;
}

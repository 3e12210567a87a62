/**
 * Protected resources and RFC 8707 resource indicators: which APIs a
 * request names, whether the client may use them, and what a token for
 * them carries (its audience, the scopes that audience defines, its format
 * and lifetime). One reading for /authorize, every grant and
 * introspection.
 * @module
 */
import { listResources } from "../db/resources.ts";
import type { ApiResourceRow } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import type { Client } from "./clients/client.ts";
import { InvalidScope, InvalidTarget } from "./errors.ts";
import {
  checkResourceIndicator,
  splitList,
  type TokenFormat,
} from "./vocabulary.ts";

/** A protected API as the protocol sees it. */
export interface Resource {
  identifier: string;
  name: string;
  /** The scopes it defines. */
  scopes: string[];
  /** Null: the client's policy decides. */
  tokenFormat: TokenFormat | null;
  accessTokenLifetime: number | null;
  isDefault: boolean;
  /** The confidential client that is its server (RFC 7662 §2.1). */
  serverClientID: string | null;
}

/** Every registered resource, and the scopes some resource defines. */
export interface ResourceCatalog {
  byIdentifier: ReadonlyMap<string, Resource>;
  /** Scopes that belong to a resource (the others belong to this server). */
  resourceScopes: ReadonlySet<string>;
  defaultResource: Resource | null;
}

export function toResource(row: ApiResourceRow): Resource {
  return {
    identifier: row.identifier,
    name: row.name,
    scopes: splitList(row.scopes),
    tokenFormat: row.token_format as TokenFormat | null,
    accessTokenLifetime: row.access_token_lifetime,
    isDefault: row.is_default === 1,
    serverClientID: row.server_client_id,
  };
}

/** The cached rows change only with the configuration: parse once each. */
const catalogs = new WeakMap<object, ResourceCatalog>();

export async function resourceCatalog(deps: Deps): Promise<ResourceCatalog> {
  const rows = await listResources(deps.db);
  let catalog = catalogs.get(rows);
  if (!catalog) {
    const resources = rows.map(toResource);
    catalog = {
      byIdentifier: new Map(resources.map((r) => [r.identifier, r])),
      resourceScopes: new Set(resources.flatMap((r) => r.scopes)),
      defaultResource: resources.find((r) => r.isDefault) ?? null,
    };
    catalogs.set(rows, catalog);
  }
  return catalog;
}

/**
 * The `resource` values of a request. RFC 8707 §2: "Multiple resource
 * parameters MAY be used"; our own forms carry them as one value separated
 * by spaces (a space cannot be part of an absolute URI).
 */
export function resourceValues(params: URLSearchParams): string[] {
  return [...new Set(params.getAll("resource").flatMap(splitList))];
}

/** Whether `client` may ask for `resource` (its policy; null: every one). */
function clientMayUse(client: Client, resource: Resource): boolean {
  const allowed = client.policy.allowedResources;
  return allowed === null || allowed.includes(resource.identifier);
}

/**
 * The resources a request names, each checked, or the client's default
 * resource, else the server's default, else none (the audience is then the
 * client, as before resources existed). RFC 8707 §2: `invalid_target` when
 * "the requested resource is invalid, missing, unknown, or malformed".
 */
export async function requestedResources(
  deps: Deps,
  client: Client,
  values: readonly string[],
): Promise<Resource[]> {
  const catalog = await resourceCatalog(deps);
  if (values.length === 0) {
    const fallback = client.policy.defaultResource
      ? catalog.byIdentifier.get(client.policy.defaultResource)
      : catalog.defaultResource;
    return fallback && clientMayUse(client, fallback) ? [fallback] : [];
  }
  const resources: Resource[] = [];
  for (const value of values) {
    const problem = checkResourceIndicator(value);
    if (problem) throw new InvalidTarget(`resource ${problem}`);
    const resource = catalog.byIdentifier.get(value);
    if (!resource) {
      throw new InvalidTarget(`resource ${value} is not a registered resource`);
    }
    if (!clientMayUse(client, resource)) {
      throw new InvalidTarget(`this client may not use resource ${value}`);
    }
    resources.push(resource);
  }
  return resources;
}

/**
 * Scopes that a resource defines but none of `resources` does: asking for
 * them would grant what no token for this audience may carry.
 */
export async function checkScopesForResources(
  deps: Deps,
  scopes: readonly string[],
  resources: readonly Resource[],
): Promise<void> {
  if (resources.length === 0) return;
  const catalog = await resourceCatalog(deps);
  const foreign = scopes.filter((s) =>
    catalog.resourceScopes.has(s) &&
    !resources.some((r) => r.scopes.includes(s))
  );
  if (foreign.length) {
    throw new InvalidScope(
      `scope ${
        foreign.join(" ")
      } belongs to a resource this request does not name`,
    );
  }
}

/**
 * The scopes a token for `audience` carries: the granted scopes the
 * audience defines, plus those no resource defines (OpenID Connect's, for
 * userinfo, and scopes of this server). No audience: every granted scope.
 */
export function scopesForAudience(
  catalog: ResourceCatalog,
  scopes: readonly string[],
  audience: readonly Resource[],
): string[] {
  if (audience.length === 0) return [...scopes];
  return scopes.filter((s) =>
    !catalog.resourceScopes.has(s) || audience.some((r) => r.scopes.includes(s))
  );
}

/**
 * The resources of a token request against those of its grant. RFC 8707
 * §2.2: the client may name one or more of the resources it was granted
 * (a refresh may narrow to one); one outside the grant is `invalid_target`.
 * The grant named none: the request may name any the client may use.
 */
export async function tokenAudience(
  deps: Deps,
  client: Client,
  form: URLSearchParams,
  granted: string | null,
): Promise<{ audience: Resource[]; grant: Resource[] }> {
  const values = resourceValues(form);
  const grantedIDs = splitList(granted ?? "");
  if (grantedIDs.length === 0) {
    const audience = values.length
      ? await requestedResources(deps, client, values)
      : [];
    return { audience, grant: audience };
  }
  const catalog = await resourceCatalog(deps);
  // A resource deleted since the grant is no longer an audience.
  const grant = grantedIDs.map((id) => catalog.byIdentifier.get(id)).filter(
    (r): r is Resource => r !== undefined,
  );
  if (values.length === 0) {
    if (grant.length === 0) {
      throw new InvalidTarget("the resources of this grant no longer exist");
    }
    return { audience: grant, grant };
  }
  const audience: Resource[] = [];
  for (const value of values) {
    const problem = checkResourceIndicator(value);
    if (problem) throw new InvalidTarget(`resource ${problem}`);
    const resource = grant.find((r) => r.identifier === value);
    if (!resource) {
      throw new InvalidTarget(
        `resource ${value} was not part of the authorization grant`,
      );
    }
    audience.push(resource);
  }
  return { audience, grant };
}

/** The identifiers as stored with codes and tokens (null: none). */
export function storedResources(resources: readonly Resource[]): string | null {
  return resources.length ? resources.map((r) => r.identifier).join(" ") : null;
}

/**
 * The token's `aud`: RFC 9068 §3 "the aud claim MUST identify the resource
 * server": the resource, or the array of them; none named: the client.
 */
export function audienceClaim(
  stored: string | null,
  clientID: string,
): string | string[] {
  const ids = splitList(stored ?? "");
  if (ids.length === 0) return clientID;
  return ids.length === 1 ? ids[0] : ids;
}

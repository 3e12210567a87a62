/**
 * API resources through the admin API: list, create, update, delete. A
 * resource's scopes live in the scopes table like every scope (the consent
 * page describes them from there): saving a resource creates the ones that
 * do not exist yet. Its server, if named, is a confidential client (it
 * authenticates to /introspect, RFC 7662 §2.1). At most one resource is
 * the default.
 * @module
 */
import { findClientWithPolicy } from "../db/clients.ts";
import {
  deleteResource,
  findResource,
  insertResource,
  listResources,
  setDefaultResource,
  updateResource,
} from "../db/resources.ts";
import type { ApiResourceRow, DB } from "../db/schema.ts";
import { findScopes, insertScopesIfAbsent } from "../db/scopes.ts";
import type { Deps } from "../deps.ts";
import { HttpError } from "../http/http_error.ts";
import { parseWith } from "../http/json_body.ts";
import { isPublicAuthMethod, splitList } from "../oauth/vocabulary.ts";
import {
  type AdminActor,
  isUniqueViolation,
  notFound,
  throwIssues,
} from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";
import { ResourceCreate, ResourceUpdate } from "./schemas.ts";

export interface ResourceView {
  identifier: string;
  name: string;
  scopes: string[];
  token_format: "opaque" | "jwt" | null;
  access_token_lifetime: number | null;
  is_default: boolean;
  server_client_id: string | null;
  created_at: number;
  updated_at: number;
}

export function resourceView(row: ApiResourceRow): ResourceView {
  return {
    identifier: row.identifier,
    name: row.name,
    scopes: splitList(row.scopes),
    token_format: row.token_format as ResourceView["token_format"],
    access_token_lifetime: row.access_token_lifetime,
    is_default: row.is_default === 1,
    server_client_id: row.server_client_id,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export async function listResourceViews(deps: Deps): Promise<ResourceView[]> {
  return (await listResources(deps.db)).map(resourceView);
}

export async function getResourceView(
  deps: Deps,
  identifier: string,
): Promise<ResourceView> {
  const row = await findResource(deps.db, identifier);
  if (!row) throw notFound("resource", identifier);
  return resourceView(row);
}

/** 400 unless `clientID` names a confidential client. */
async function checkServerClient(
  trx: DB,
  clientID: string | null | undefined,
): Promise<void> {
  if (!clientID) return;
  const found = await findClientWithPolicy(trx, clientID);
  if (!found) {
    throwIssues([{
      path: "server_client_id",
      message: `unknown client: ${clientID}`,
    }]);
  } else if (isPublicAuthMethod(found.client.token_endpoint_auth_method)) {
    throwIssues([{
      path: "server_client_id",
      message: "a resource server must be a confidential client " +
        "(it authenticates to /introspect)",
    }]);
  }
}

/** Creates the scopes the resource defines that do not exist yet. */
async function ensureScopes(
  trx: DB,
  name: string,
  scopes: string[],
  now: number,
): Promise<string[]> {
  const known = new Set((await findScopes(trx, scopes)).map((s) => s.name));
  const missing = scopes.filter((s) => !known.has(s));
  await insertScopesIfAbsent(
    trx,
    missing.map((s) => ({
      name: s,
      description: `${s} on ${name}`,
      claims: [],
    })),
    now,
  );
  return missing;
}

export async function createResource(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<ResourceView> {
  const input = parseWith(ResourceCreate, body);
  const now = deps.now();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      if (await findResource(trx, input.identifier)) {
        throw new HttpError(
          409,
          `resource ${input.identifier} already exists`,
        );
      }
      await checkServerClient(trx, input.server_client_id);
      const created = await ensureScopes(trx, input.name, input.scopes, now);
      const row: ApiResourceRow = {
        identifier: input.identifier,
        name: input.name,
        scopes: input.scopes.join(" "),
        token_format: input.token_format,
        access_token_lifetime: input.access_token_lifetime,
        is_default: input.is_default ? 1 : 0,
        server_client_id: input.server_client_id,
        created_at: now,
        updated_at: now,
      };
      await insertResource(trx, row);
      if (input.is_default) await setDefaultResource(trx, input.identifier);
      await recordAdminEvent(trx, who, {
        action: "resource.created",
        targetType: "resource",
        targetID: input.identifier,
        detail: { ...input, scopes_created: created },
      }, now);
      return resourceView(row);
    });
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new HttpError(409, `resource ${input.identifier} already exists`);
    }
    throw err;
  }
}

export async function saveResource(
  deps: Deps,
  who: AdminActor,
  identifier: string,
  body: unknown,
): Promise<ResourceView> {
  const input = parseWith(ResourceUpdate, body);
  const now = deps.now();
  return await deps.db.transaction().execute(async (trx) => {
    const existing = await findResource(trx, identifier);
    if (!existing) throw notFound("resource", identifier);
    await checkServerClient(trx, input.server_client_id);
    const name = input.name ?? existing.name;
    const created = input.scopes
      ? await ensureScopes(trx, name, input.scopes, now)
      : [];
    const values: Partial<ApiResourceRow> = { updated_at: now };
    if (input.name !== undefined) values.name = input.name;
    if (input.scopes !== undefined) values.scopes = input.scopes.join(" ");
    if (input.token_format !== undefined) {
      values.token_format = input.token_format;
    }
    if (input.access_token_lifetime !== undefined) {
      values.access_token_lifetime = input.access_token_lifetime;
    }
    if (input.is_default !== undefined) {
      values.is_default = input.is_default ? 1 : 0;
    }
    if (input.server_client_id !== undefined) {
      values.server_client_id = input.server_client_id;
    }
    await updateResource(trx, identifier, values);
    if (input.is_default) await setDefaultResource(trx, identifier);
    await recordAdminEvent(trx, who, {
      action: "resource.updated",
      targetType: "resource",
      targetID: identifier,
      detail: { changes: input, scopes_created: created },
    }, now);
    return resourceView({ ...existing, ...values });
  });
}

/**
 * Deletes a resource. Tokens already issued for it keep their audience
 * until they expire; no new ones are minted for it.
 */
export async function removeResource(
  deps: Deps,
  who: AdminActor,
  identifier: string,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await deleteResource(trx, identifier))) {
      throw notFound("resource", identifier);
    }
    await recordAdminEvent(trx, who, {
      action: "resource.deleted",
      targetType: "resource",
      targetID: identifier,
    }, now);
  });
}

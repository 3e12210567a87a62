/**
 * Scopes through the admin API: list, upsert, delete. A scope a client's
 * policy still names cannot be deleted (409 naming the clients), nor can the
 * OIDC scopes the server seeds at every start (they would come back on the
 * next start, and `openid` is what makes a request OIDC at all).
 * @module
 */
import { findClientIDsUsingScope } from "../db/clients.ts";
import type { ScopeRow } from "../db/schema.ts";
import {
  deleteScope,
  findScope,
  listScopes,
  upsertScope,
} from "../db/scopes.ts";
import type { Deps } from "../deps.ts";
import { HttpError } from "../http/http_error.ts";
import { parseWith } from "../http/json_body.ts";
import { DEFAULT_SCOPES } from "../oidc/default_scopes.ts";
import { type AdminActor, notFound } from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";
import { ScopeInput } from "./schemas.ts";

export interface ScopeView {
  name: string;
  description: string;
  claims: string[];
}

/** The scopes seeded at start (OIDC Core §5.4); editable, never deletable. */
export const BUILT_IN_SCOPES: ReadonlySet<string> = new Set(
  DEFAULT_SCOPES.map((s) => s.name),
);

export function scopeView(row: ScopeRow): ScopeView {
  return {
    name: row.name,
    description: row.description,
    claims: JSON.parse(row.claims) as string[],
  };
}

/** Every scope, read from the table (admin reads never come from a cache). */
export async function listScopeViews(deps: Deps): Promise<ScopeView[]> {
  return (await listScopes(deps.db, { fresh: true })).map(scopeView);
}

export async function getScopeView(
  deps: Deps,
  name: string,
): Promise<ScopeView> {
  const row = await findScope(deps.db, name);
  if (!row) throw notFound("scope", name);
  return scopeView(row);
}

/**
 * Creates or updates a scope from `{name, description?, claims?}`. On an
 * existing scope an omitted field keeps its value; a new one defaults to an
 * empty description and no claims.
 */
export async function saveScope(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<{ scope: ScopeView; created: boolean }> {
  const input = parseWith(ScopeInput, body);
  const now = deps.now();
  const result = await deps.db.transaction().execute(async (trx) => {
    const existing = await findScope(trx, input.name);
    const values = {
      name: input.name,
      description: input.description ?? existing?.description ?? "",
      claims: input.claims ??
        (existing ? JSON.parse(existing.claims) as string[] : []),
    };
    const created = await upsertScope(trx, values, now);
    await recordAdminEvent(trx, who, {
      action: created ? "scope.created" : "scope.updated",
      targetType: "scope",
      targetID: values.name,
      detail: { description: values.description, claims: values.claims },
    }, now);
    return { scope: values, created };
  });
  return result;
}

/** Deletes a scope no policy uses; 404 unknown, 409 built-in or in use. */
export async function removeScope(
  deps: Deps,
  who: AdminActor,
  name: string,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await findScope(trx, name))) throw notFound("scope", name);
    if (BUILT_IN_SCOPES.has(name)) {
      throw new HttpError(
        409,
        `${name} is a built-in OpenID Connect scope and cannot be deleted`,
        { details: { scope: name, built_in: true } },
      );
    }
    const clients = await findClientIDsUsingScope(trx, name);
    if (clients.length) {
      throw new HttpError(
        409,
        `scope ${name} is still used by the policy of: ${clients.join(", ")}`,
        { details: { scope: name, clients } },
      );
    }
    await deleteScope(trx, name);
    await recordAdminEvent(trx, who, {
      action: "scope.deleted",
      targetType: "scope",
      targetID: name,
    }, now);
  });
}

/**
 * Client policy through the admin API, in the seed's shape: lists as
 * space-separated strings. Updates are partial; every named scope must
 * exist, default_scopes must stay within allowed_scopes, post-logout URIs
 * are checked like redirect URIs, and a public client keeps PKCE on. The
 * next /authorize reads the new policy (nothing caches it).
 * @module
 */
import type { Updateable } from "kysely";
import { findClientWithPolicy, updatePolicy } from "../db/clients.ts";
import type { ClientPoliciesTable, ClientPolicyRow, DB } from "../db/schema.ts";
import { findResource } from "../db/resources.ts";
import { findScopes } from "../db/scopes.ts";
import type { Deps } from "../deps.ts";
import { parseWith } from "../http/json_body.ts";
import { checkClientMetadata, splitList } from "../oauth/vocabulary.ts";
import {
  type AdminActor,
  type FieldIssue,
  notFound,
  throwIssues,
} from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";
import { PolicyUpdate } from "./schemas.ts";

export interface PolicyView {
  allowed_scopes: string;
  default_scopes: string;
  post_logout_redirect_uris: string;
  require_pkce: boolean;
  consent_policy: string;
  access_token_lifetime: number;
  refresh_token_ttl_days: number;
  token_format: string;
  id_token_signed_response_alg: string;
  refresh_reuse_grace_seconds: number;
  require_second_factor: boolean;
  default_resource: string | null;
  allowed_resources: string | null;
}

export function policyView(row: ClientPolicyRow): PolicyView {
  return {
    allowed_scopes: row.allowed_scopes,
    default_scopes: row.default_scopes,
    post_logout_redirect_uris:
      (JSON.parse(row.post_logout_redirect_uris) as string[]).join(" "),
    require_pkce: row.require_pkce === 1,
    consent_policy: row.consent_policy,
    access_token_lifetime: row.access_token_lifetime,
    refresh_token_ttl_days: row.refresh_token_ttl_days,
    token_format: row.token_format,
    id_token_signed_response_alg: row.id_token_signed_response_alg,
    refresh_reuse_grace_seconds: row.refresh_reuse_grace_seconds,
    require_second_factor: row.require_second_factor === 1,
    default_resource: row.default_resource,
    allowed_resources: row.allowed_resources,
  };
}

export async function getPolicy(
  deps: Deps,
  clientID: string,
): Promise<PolicyView> {
  // Admin reads never come from a cache.
  const found = await findClientWithPolicy(deps.db, clientID, { fresh: true });
  if (!found) throw notFound("client", clientID);
  return policyView(found.policy);
}

/** Issues for each listed scope that is not in the scopes table. */
export async function unknownScopeIssues(
  db: DB,
  field: string,
  scopes: string[],
): Promise<FieldIssue[]> {
  const known = new Set(
    (await findScopes(db, scopes, { fresh: true })).map((s) => s.name),
  );
  const unknown = scopes.filter((s) => !known.has(s));
  return unknown.length
    ? [{ path: field, message: `unknown scope: ${unknown.join(" ")}` }]
    : [];
}

/**
 * Applies a partial policy update and answers the whole new policy.
 * 404 for an unknown client, 400 naming each field that breaks a rule.
 */
export async function savePolicy(
  deps: Deps,
  who: AdminActor,
  clientID: string,
  body: unknown,
): Promise<PolicyView> {
  const input = parseWith(PolicyUpdate, body);
  const now = deps.now();
  return await deps.db.transaction().execute(async (trx) => {
    const found = await findClientWithPolicy(trx, clientID, {
      forUpdate: true,
    });
    if (!found) throw notFound("client", clientID);
    const { client, policy } = found;
    const issues: FieldIssue[] = [];
    if (input.allowed_scopes) {
      issues.push(
        ...await unknownScopeIssues(
          trx,
          "allowed_scopes",
          input.allowed_scopes,
        ),
      );
    }
    if (input.default_scopes) {
      issues.push(
        ...await unknownScopeIssues(
          trx,
          "default_scopes",
          input.default_scopes,
        ),
      );
    }
    const allowed = input.allowed_scopes ?? splitList(policy.allowed_scopes);
    const defaults = input.default_scopes ?? splitList(policy.default_scopes);
    const outside = defaults.filter((s) => !allowed.includes(s));
    if (outside.length && (input.allowed_scopes || input.default_scopes)) {
      issues.push({
        path: "default_scopes",
        message: `not in allowed_scopes: ${outside.join(" ")}`,
      });
    }
    issues.push(
      ...checkClientMetadata({
        grantTypes: splitList(client.grant_types),
        redirectURIs: JSON.parse(client.redirect_uris),
        authMethod: client.token_endpoint_auth_method,
        requirePKCE: input.require_pkce ?? policy.require_pkce === 1,
      }),
    );
    for (
      const [field, ids] of [
        [
          "default_resource",
          input.default_resource ? [input.default_resource] : [],
        ],
        ["allowed_resources", input.allowed_resources ?? []],
      ] as const
    ) {
      for (const id of ids) {
        if (!(await findResource(trx, id))) {
          issues.push({ path: field, message: `unknown resource: ${id}` });
        }
      }
    }
    const allowedResources = input.allowed_resources !== undefined
      ? input.allowed_resources
      : policy.allowed_resources === null
      ? null
      : splitList(policy.allowed_resources);
    const defaultResource = input.default_resource !== undefined
      ? input.default_resource
      : policy.default_resource;
    if (
      defaultResource && allowedResources &&
      !allowedResources.includes(defaultResource)
    ) {
      issues.push({
        path: "default_resource",
        message: "must be one of allowed_resources",
      });
    }
    throwIssues(issues);
    const values: Updateable<ClientPoliciesTable> = { updated_at: now };
    if (input.default_resource !== undefined) {
      values.default_resource = input.default_resource;
    }
    if (input.allowed_resources !== undefined) {
      values.allowed_resources = input.allowed_resources === null
        ? null
        : input.allowed_resources.join(" ");
    }
    if (input.allowed_scopes) values.allowed_scopes = allowed.join(" ");
    if (input.default_scopes) values.default_scopes = defaults.join(" ");
    if (input.post_logout_redirect_uris) {
      values.post_logout_redirect_uris = JSON.stringify(
        input.post_logout_redirect_uris,
      );
    }
    if (input.require_pkce !== undefined) {
      values.require_pkce = input.require_pkce ? 1 : 0;
    }
    if (input.consent_policy) values.consent_policy = input.consent_policy;
    if (input.access_token_lifetime !== undefined) {
      values.access_token_lifetime = input.access_token_lifetime;
    }
    if (input.refresh_token_ttl_days !== undefined) {
      values.refresh_token_ttl_days = input.refresh_token_ttl_days;
    }
    if (input.token_format) values.token_format = input.token_format;
    if (input.id_token_signed_response_alg) {
      values.id_token_signed_response_alg = input.id_token_signed_response_alg;
    }
    if (input.refresh_reuse_grace_seconds !== undefined) {
      values.refresh_reuse_grace_seconds = input.refresh_reuse_grace_seconds;
    }
    if (input.require_second_factor !== undefined) {
      values.require_second_factor = input.require_second_factor ? 1 : 0;
    }
    await updatePolicy(trx, clientID, values);
    const updated = { ...policy, ...values } as ClientPolicyRow;
    await recordAdminEvent(trx, who, {
      action: "client.policy_updated",
      targetType: "client",
      targetID: clientID,
      detail: { changes: input },
    }, now);
    return policyView(updated);
  });
}

/**
 * Clients through the admin API: list, create, read, update, delete, and a
 * new secret. A secret is shown once (at creation, when a client becomes
 * confidential, on regeneration) and stored only as its SHA-256; no answer
 * here ever carries the stored hash.
 * @module
 */
import type { Updateable } from "kysely";
import {
  deleteClient,
  findClientWithPolicy,
  listClients,
  updateClient,
  updatePolicy,
} from "../db/clients.ts";
import type { ClientRow, ClientsTable, DB } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import { HttpError } from "../http/http_error.ts";
import { parseWith } from "../http/json_body.ts";
import { ClientMetadata } from "../oauth/clients/metadata.ts";
import { insertRegisteredClient } from "../oauth/clients/registry.ts";
import {
  checkClientMetadata,
  isPublicAuthMethod,
  type RegistrationType,
  splitList,
} from "../oauth/vocabulary.ts";
import { randomToken, sha256 } from "../security/crypto.ts";
import {
  type AdminActor,
  type FieldIssue,
  isUniqueViolation,
  notFound,
  throwIssues,
} from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";
import {
  type PolicyView,
  policyView,
  unknownScopeIssues,
} from "./policies_admin.ts";
import { ClientUpdate } from "./schemas.ts";

export interface ClientView {
  client_id: string;
  client_name: string;
  client_type: "public" | "confidential";
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  /** Space-separated, as in RFC 7591 client metadata. */
  scope: string;
  token_endpoint_auth_method: string;
  require_consent: boolean;
  /** admin, dynamic (RFC 7591: unverified) or metadata_document (fetched). */
  registration_type: RegistrationType;
  /** A disabled (blocked) client is refused everywhere. */
  disabled: boolean;
  application_type: string | null;
  /** A metadata document client: until when the fetched copy is fresh. */
  metadata_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ClientDetail extends ClientView {
  policy: PolicyView;
}

/** A client answer that carries a freshly generated secret, shown once. */
export interface ClientWithSecret extends ClientDetail {
  client_secret?: string;
}

export function clientView(row: ClientRow): ClientView {
  return {
    client_id: row.client_id,
    client_name: row.client_name,
    client_type: isPublicAuthMethod(row.token_endpoint_auth_method)
      ? "public"
      : "confidential",
    redirect_uris: JSON.parse(row.redirect_uris) as string[],
    grant_types: splitList(row.grant_types),
    response_types: splitList(row.response_types),
    scope: row.scope,
    token_endpoint_auth_method: row.token_endpoint_auth_method,
    require_consent: row.require_consent === 1,
    registration_type: row.registration_type as RegistrationType,
    disabled: row.disabled === 1,
    application_type: row.application_type,
    metadata_expires_at: row.metadata_expires_at,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** Read from the tables: admin reads never come from a cache. */
async function loadDetail(db: DB, clientID: string): Promise<ClientDetail> {
  const found = await findClientWithPolicy(db, clientID, { fresh: true });
  if (!found) throw notFound("client", clientID);
  return { ...clientView(found.client), policy: policyView(found.policy) };
}

export async function listClientViews(deps: Deps): Promise<ClientView[]> {
  return (await listClients(deps.db)).map(clientView);
}

export async function getClientDetail(
  deps: Deps,
  clientID: string,
): Promise<ClientDetail> {
  return await loadDetail(deps.db, clientID);
}

function conflict(clientID: string): HttpError {
  return new HttpError(409, `client ${clientID} already exists`, {
    details: { client_id: clientID },
  });
}

/**
 * Registers a client from RFC 7591-style metadata plus policy fields (the
 * ClientMetadata schema); its scopes must exist. 409 when the id is taken.
 */
export async function createClient(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<ClientWithSecret> {
  // An emptied client_id field means "generate one", as if it were omitted.
  const input = typeof body === "object" && body !== null &&
      (body as { client_id?: unknown }).client_id === ""
    ? { ...body, client_id: undefined }
    : body;
  const metadata = parseWith(ClientMetadata, input);
  throwIssues(await unknownScopeIssues(deps.db, "scope", metadata.scope));
  const now = deps.now();
  try {
    return await deps.db.transaction().execute(async (trx) => {
      if (
        metadata.client_id &&
        await findClientWithPolicy(trx, metadata.client_id)
      ) {
        throw conflict(metadata.client_id);
      }
      const registered = await insertRegisteredClient(trx, metadata, now);
      await recordAdminEvent(trx, who, {
        action: "client.created",
        targetType: "client",
        targetID: registered.client_id,
        detail: {
          token_endpoint_auth_method: registered.token_endpoint_auth_method,
          redirect_uris: registered.redirect_uris,
        },
      }, now);
      const detail = await loadDetail(trx, registered.client_id);
      return registered.client_secret === undefined
        ? detail
        : { ...detail, client_secret: registered.client_secret };
    });
  } catch (err) {
    if (metadata.client_id && isUniqueViolation(err)) {
      throw conflict(metadata.client_id);
    }
    throw err;
  }
}

/**
 * Updates client fields (partial; PUT and PATCH alike). Switching to a
 * confidential method without a secret generates one (answered once);
 * switching to `none` drops the secret and turns PKCE on in the policy.
 */
export async function updateClientFields(
  deps: Deps,
  who: AdminActor,
  clientID: string,
  body: unknown,
): Promise<ClientWithSecret> {
  const input = parseWith(ClientUpdate, body);
  const issues: FieldIssue[] = [];
  if (input.client_id !== undefined && input.client_id !== clientID) {
    issues.push({ path: "client_id", message: "cannot be changed" });
  }
  throwIssues(issues);
  const now = deps.now();
  return await deps.db.transaction().execute(async (trx) => {
    const found = await findClientWithPolicy(trx, clientID, {
      forUpdate: true,
    });
    if (!found) throw notFound("client", clientID);
    const { client, policy } = found;
    const redirectURIs = input.redirect_uris ??
      JSON.parse(client.redirect_uris) as string[];
    const grantTypes = input.grant_types ?? splitList(client.grant_types);
    const method = input.token_endpoint_auth_method ??
      client.token_endpoint_auth_method;
    issues.push(
      ...checkClientMetadata({ grantTypes, authMethod: method, redirectURIs }),
    );
    if (input.scope) {
      issues.push(...await unknownScopeIssues(trx, "scope", input.scope));
    }
    throwIssues(issues);

    const values: Updateable<ClientsTable> = { updated_at: now };
    if (input.client_name !== undefined) values.client_name = input.client_name;
    if (input.redirect_uris) {
      values.redirect_uris = JSON.stringify(input.redirect_uris);
    }
    if (input.grant_types) values.grant_types = input.grant_types.join(" ");
    if (input.response_types) {
      values.response_types = input.response_types.join(" ");
    }
    if (input.scope) values.scope = input.scope.join(" ");
    if (input.require_consent !== undefined) {
      values.require_consent = input.require_consent ? 1 : 0;
    }
    if (input.disabled !== undefined) values.disabled = input.disabled ? 1 : 0;
    let secret: string | undefined;
    if (input.token_endpoint_auth_method) {
      values.token_endpoint_auth_method = method;
      if (isPublicAuthMethod(method)) values.client_secret_hash = null;
      else if (client.client_secret_hash === null) {
        secret = randomToken(32);
        values.client_secret_hash = sha256(secret);
      }
    }
    await updateClient(trx, clientID, values);
    // The invariant "public clients must use PKCE" holds by turning it on.
    const pkceForced = isPublicAuthMethod(method) && policy.require_pkce === 0;
    if (pkceForced) {
      await updatePolicy(trx, clientID, { require_pkce: 1, updated_at: now });
    }
    const { client_id: _, ...changes } = input;
    await recordAdminEvent(trx, who, {
      action: "client.updated",
      targetType: "client",
      targetID: clientID,
      detail: {
        changes,
        ...(secret ? { secret_generated: true } : {}),
        ...(pkceForced ? { require_pkce_enabled: true } : {}),
      },
    }, now);
    const detail = await loadDetail(trx, clientID);
    return secret === undefined ? detail : { ...detail, client_secret: secret };
  });
}

/** Deletes a client; its policy, codes, tokens and consents go with it. */
export async function removeClient(
  deps: Deps,
  who: AdminActor,
  clientID: string,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    // Foreign keys cascade (ON DELETE CASCADE, enforced on SQLite too).
    if (!(await deleteClient(trx, clientID))) {
      throw notFound("client", clientID);
    }
    await recordAdminEvent(trx, who, {
      action: "client.deleted",
      targetType: "client",
      targetID: clientID,
    }, now);
  });
}

/**
 * Replaces a confidential client's secret; the old one fails at once (only
 * the new hash is stored). 400 for public clients, which have none.
 */
export async function regenerateSecret(
  deps: Deps,
  who: AdminActor,
  clientID: string,
): Promise<{ client_id: string; client_secret: string }> {
  const now = deps.now();
  return await deps.db.transaction().execute(async (trx) => {
    const found = await findClientWithPolicy(trx, clientID, {
      forUpdate: true,
    });
    if (!found) throw notFound("client", clientID);
    if (isPublicAuthMethod(found.client.token_endpoint_auth_method)) {
      throw new HttpError(
        400,
        "public clients (token_endpoint_auth_method none) have no secret",
        { code: "invalid_request" },
      );
    }
    const secret = randomToken(32);
    await updateClient(trx, clientID, {
      client_secret_hash: sha256(secret),
      updated_at: now,
    });
    await recordAdminEvent(trx, who, {
      action: "client.secret_regenerated",
      targetType: "client",
      targetID: clientID,
    }, now);
    return { client_id: clientID, client_secret: secret };
  });
}

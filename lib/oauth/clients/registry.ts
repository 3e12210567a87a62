/**
 * Registering and loading clients. The secret is generated here, stored as
 * a SHA-256 digest and returned exactly once; the policy is created with the
 * client in one transaction. Loaded clients come from the configuration
 * cache and are parsed once per cached row.
 * @module
 */
import { findClientWithPolicy, insertClient } from "../../db/clients.ts";
import type { DB } from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import { randomToken, sha256 } from "../../security/crypto.ts";
import { isPublicAuthMethod } from "../vocabulary.ts";
import { type Client, toClient } from "./client.ts";
import type { ClientMetadataValues } from "./metadata.ts";
import {
  isMetadataDocumentURL,
  metadataDocumentClient,
  MetadataDocumentError,
} from "./metadata_document.ts";

export interface RegisteredClient {
  client_id: string;
  /** Present once, at creation, for confidential clients. */
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
}

/** Creates a client and its policy; returns it with the secret (once). */
export async function registerClient(
  db: DB,
  metadata: ClientMetadataValues,
  now: number,
): Promise<RegisteredClient> {
  return await db.transaction().execute((trx) =>
    insertRegisteredClient(trx, metadata, now)
  );
}

/**
 * The inserts of `registerClient` without a transaction of their own, for a
 * caller that writes more (an audit event) in the same transaction.
 */
export async function insertRegisteredClient(
  trx: DB,
  metadata: ClientMetadataValues,
  now: number,
): Promise<RegisteredClient> {
  const clientID = metadata.client_id ?? `client-${randomToken(9)}`;
  const secret = isPublicAuthMethod(metadata.token_endpoint_auth_method)
    ? undefined
    : randomToken(32);
  const scope = metadata.scope.join(" ");
  await insertClient(trx, {
    client_id: clientID,
    client_name: metadata.client_name ?? clientID,
    client_secret_hash: secret ? sha256(secret) : null,
    redirect_uris: JSON.stringify(metadata.redirect_uris),
    grant_types: metadata.grant_types.join(" "),
    response_types: metadata.response_types.join(" "),
    scope,
    token_endpoint_auth_method: metadata.token_endpoint_auth_method,
    require_consent: metadata.require_consent ? 1 : 0,
    created_at: now,
    updated_at: now,
  }, {
    client_id: clientID,
    allowed_scopes: scope,
    default_scopes: scope,
    post_logout_redirect_uris: JSON.stringify(
      metadata.post_logout_redirect_uris,
    ),
    require_pkce: metadata.require_pkce ? 1 : 0,
    consent_policy: metadata.consent_policy,
    access_token_lifetime: metadata.access_token_lifetime,
    refresh_token_ttl_days: metadata.refresh_token_ttl_days,
    token_format: metadata.token_format,
    id_token_signed_response_alg: metadata.id_token_signed_response_alg,
    refresh_reuse_grace_seconds: metadata.refresh_reuse_grace_seconds,
    require_second_factor: metadata.require_second_factor ? 1 : 0,
    updated_at: now,
  });
  return {
    client_id: clientID,
    ...(secret ? { client_secret: secret } : {}),
    client_name: metadata.client_name ?? clientID,
    redirect_uris: metadata.redirect_uris,
    grant_types: metadata.grant_types,
    response_types: metadata.response_types,
    scope,
    token_endpoint_auth_method: metadata.token_endpoint_auth_method,
  };
}

/** Rows come from the configuration cache until a change: parse once. */
const parsedClients = new WeakMap<object, Client>();

/** A client, or why there is none to use. */
export type ResolvedClient =
  | { client: Client; reason?: undefined }
  | { client: null; reason: string };

/**
 * Loads a client and its policy: a registered one, or the client of a
 * metadata document URL (fetched when its stored copy is stale). Disabled
 * clients are not used.
 */
export async function resolveClient(
  deps: Deps,
  clientID: string,
): Promise<ResolvedClient> {
  const unknown = { client: null, reason: "is not a registered client" };
  // No client id holds a NUL (PostgreSQL text cannot even compare one).
  if (!clientID || clientID.length > 255 || clientID.includes("\0")) {
    return unknown;
  }
  const found = await findClientWithPolicy(deps.db, clientID);
  let client: Client | null = null;
  if (found) {
    client = parsedClients.get(found) ?? null;
    if (!client) {
      client = toClient(found.client, found.policy);
      parsedClients.set(found, client);
    }
  }
  if (
    client?.registrationType === "metadata_document" ||
    (!client && isMetadataDocumentURL(clientID))
  ) {
    try {
      const fetched = await metadataDocumentClient(deps, clientID, client);
      return fetched ? { client: fetched } : {
        client: null,
        reason: "is a client metadata document URL this server does not accept",
      };
    } catch (err) {
      if (!(err instanceof MetadataDocumentError)) throw err;
      return { client: null, reason: `cannot be used: ${err.message}` };
    }
  }
  if (!client) return unknown;
  if (client.disabled) return { client: null, reason: "is disabled" };
  return { client };
}

/** Loads a usable client, or null (unknown, disabled, unusable document). */
export async function loadClient(
  deps: Deps,
  clientID: string,
): Promise<Client | null> {
  return (await resolveClient(deps, clientID)).client;
}

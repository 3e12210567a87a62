/**
 * Clients as the protocol sees them: a registered application with its
 * policy, loaded by id; and client authentication at the token, revocation
 * and introspection endpoints (RFC 6749 §2.3: client_secret_basic,
 * client_secret_post, or none for public clients). Secrets are compared as
 * SHA-256 digests in constant time; failures are counted in Deno KV.
 * @module
 */
import { findClientWithPolicy } from "../db/clients.ts";
import type { ClientPolicyRow, ClientRow } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import type { SigningAlg } from "../keys.ts";
import { sha256, timingSafeEqual } from "../security/crypto.ts";
import { BUDGETS, checkLimit, recordFailure } from "../security/rate_limit.ts";
import { InvalidClient, InvalidRequest, SlowDown } from "./errors.ts";

export type AuthMethod = "none" | "client_secret_basic" | "client_secret_post";
export type ConsentPolicy = "always" | "once" | "skip";
export type TokenFormat = "opaque" | "jwt";

export interface ClientPolicy {
  allowedScopes: string[];
  defaultScopes: string[];
  postLogoutRedirectURIs: string[];
  requirePKCE: boolean;
  consentPolicy: ConsentPolicy;
  accessTokenLifetime: number;
  refreshTokenTTLDays: number;
  tokenFormat: TokenFormat;
  idTokenAlg: SigningAlg;
}

export interface Client {
  id: string;
  name: string;
  secretHash: string | null;
  redirectURIs: string[];
  grantTypes: string[];
  responseTypes: string[];
  scope: string[];
  authMethod: AuthMethod;
  requireConsent: boolean;
  isPublic: boolean;
  policy: ClientPolicy;
}

/** Splits a space-separated list, dropping empties. */
export function splitList(value: string): string[] {
  return value.split(/\s+/).filter(Boolean);
}

/** Maps stored rows to the domain object. */
export function toClient(row: ClientRow, policy: ClientPolicyRow): Client {
  return {
    id: row.client_id,
    name: row.client_name,
    secretHash: row.client_secret_hash,
    redirectURIs: JSON.parse(row.redirect_uris),
    grantTypes: splitList(row.grant_types),
    responseTypes: splitList(row.response_types),
    scope: splitList(row.scope),
    authMethod: row.token_endpoint_auth_method as AuthMethod,
    requireConsent: row.require_consent === 1,
    isPublic: row.token_endpoint_auth_method === "none",
    policy: {
      allowedScopes: splitList(policy.allowed_scopes),
      defaultScopes: splitList(policy.default_scopes),
      postLogoutRedirectURIs: JSON.parse(policy.post_logout_redirect_uris),
      requirePKCE: policy.require_pkce === 1,
      consentPolicy: policy.consent_policy as ConsentPolicy,
      accessTokenLifetime: policy.access_token_lifetime,
      refreshTokenTTLDays: policy.refresh_token_ttl_days,
      tokenFormat: policy.token_format as TokenFormat,
      idTokenAlg: policy.id_token_signed_response_alg as SigningAlg,
    },
  };
}

/** Loads a client and its policy, or null when unknown. */
const parsedClients = new WeakMap<object, Client>();

export async function loadClient(
  deps: Deps,
  clientID: string,
): Promise<Client | null> {
  // No client id holds a NUL (PostgreSQL text cannot even compare one).
  if (!clientID || clientID.length > 255 || clientID.includes("\0")) {
    return null;
  }
  const found = await findClientWithPolicy(deps.db, clientID);
  if (!found) return null;
  // Rows come from the configuration cache until a change: parse once.
  let client = parsedClients.get(found);
  if (!client) {
    client = toClient(found.client, found.policy);
    parsedClients.set(found, client);
  }
  return client;
}

export interface ClientCredentials {
  clientID: string;
  secret: string | null;
  method: AuthMethod;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function decodeFormComponent(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, " "));
}

/**
 * Reads the client's credentials from the Authorization header or the form
 * body. RFC 6749 §2.3: "The client MUST NOT use more than one
 * authentication method in each request."
 */
export function readClientCredentials(
  authorization: string | null,
  form: URLSearchParams,
): ClientCredentials {
  const bodyID = form.get("client_id");
  const bodySecret = form.get("client_secret");
  if (authorization !== null && /^basic\s/i.test(authorization)) {
    if (bodySecret !== null) {
      throw new InvalidRequest(
        "client authentication must use one method, not both basic and client_secret",
      );
    }
    let decoded: string;
    try {
      decoded = atob(authorization.slice(6).trim());
    } catch {
      throw new InvalidClient("malformed basic credentials", { basic: true });
    }
    const colon = decoded.indexOf(":");
    if (colon < 0) {
      throw new InvalidClient("malformed basic credentials", { basic: true });
    }
    let clientID: string;
    let secret: string;
    try {
      clientID = decodeFormComponent(decoded.slice(0, colon));
      secret = decodeFormComponent(decoded.slice(colon + 1));
    } catch {
      throw new InvalidClient("malformed basic credentials", { basic: true });
    }
    if (bodyID !== null && bodyID !== clientID) {
      throw new InvalidRequest(
        "client_id does not match the basic credentials",
      );
    }
    return { clientID, secret, method: "client_secret_basic" };
  }
  if (!bodyID) {
    throw new InvalidClient(
      "client authentication is required (client_id missing)",
    );
  }
  if (bodySecret !== null) {
    return {
      clientID: bodyID,
      secret: bodySecret,
      method: "client_secret_post",
    };
  }
  return { clientID: bodyID, secret: null, method: "none" };
}

/**
 * Authenticates the calling client. Public clients identify themselves with
 * client_id alone; confidential clients must use their registered method.
 */
export async function authenticateClient(
  deps: Deps,
  authorization: string | null,
  form: URLSearchParams,
  ip: string | null,
): Promise<Client> {
  const creds = readClientCredentials(authorization, form);
  const basic = creds.method === "client_secret_basic";
  const ipKey = ip ?? "unknown";
  // Deno KV keys are capped at 2 KiB: an id longer than any client's (which
  // loadClient refuses anyway) is counted by its digest.
  const clientKey = creds.clientID.length > 255
    ? `sha256:${sha256(creds.clientID)}`
    : creds.clientID;
  const nowMs = deps.now() * 1000;
  // Like sign-in: per source, per client from that source (so a guesser
  // elsewhere cannot lock the real client out), and a looser cap per client
  // from anywhere.
  const counters = [
    ["client-auth-ip", ipKey, BUDGETS.clientAuthPerIP],
    [
      "client-auth-client-ip",
      `${clientKey}|${ipKey}`,
      BUDGETS.clientAuthPerClientIP,
    ],
    ["client-auth-client", clientKey, BUDGETS.clientAuthPerClient],
  ] as const;
  const states = await Promise.all(
    counters.map(([bucket, id, budget]) =>
      checkLimit(deps.kv, bucket, id, budget, nowMs)
    ),
  );
  if (states.some((s) => s.limited)) {
    throw new SlowDown(
      "too many failed client authentications; retry later",
      Math.max(...states.filter((s) => s.limited).map((s) => s.retryAfter)),
    );
  }
  const fail = async (description: string): Promise<never> => {
    await Promise.all(
      counters.map(([bucket, id, budget]) =>
        recordFailure(deps.kv, bucket, id, budget, nowMs)
      ),
    );
    throw new InvalidClient(description, { basic });
  };
  const client = await loadClient(deps, creds.clientID);
  if (!client) return await fail("client authentication failed");
  if (client.isPublic) {
    if (creds.secret !== null) {
      return await fail("client authentication failed");
    }
    return client;
  }
  if (creds.method !== client.authMethod) {
    return await fail(
      `client must authenticate with ${client.authMethod}`,
    );
  }
  if (
    creds.secret === null || client.secretHash === null ||
    !timingSafeEqual(sha256(creds.secret), client.secretHash)
  ) {
    return await fail("client authentication failed");
  }
  return client;
}

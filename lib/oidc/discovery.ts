/**
 * The OpenID Provider Configuration (OIDC Discovery 1.0 §3, RFC 8414): lists
 * exactly what this server supports. Scopes and claims come from the scopes
 * table; the document is cached briefly (a scope edit shows within seconds on
 * every instance).
 * @module
 */
import { listScopes } from "../db/scopes.ts";
import type { Deps } from "../deps.ts";
import {
  AUTH_METHODS,
  GRANT_TYPES,
  PKCE_METHODS,
  PROMPT_VALUES,
  RESPONSE_MODES,
  RESPONSE_TYPES,
  SIGNING_ALGS,
} from "../oauth/vocabulary.ts";

const CACHE_MS = 5_000;

/** Builds the discovery document for `issuer` and the given scopes. */
export function discoveryDocument(
  issuer: string,
  scopes: { name: string; claims: string[] }[],
): Record<string, unknown> {
  const claims = new Set([
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "sid",
  ]);
  for (const s of scopes) for (const c of s.claims) claims.add(c);
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    revocation_endpoint: `${issuer}/revoke`,
    introspection_endpoint: `${issuer}/introspect`,
    end_session_endpoint: `${issuer}/end_session`,
    scopes_supported: scopes.map((s) => s.name),
    claims_supported: [...claims],
    response_types_supported: [...RESPONSE_TYPES],
    response_modes_supported: [...RESPONSE_MODES],
    grant_types_supported: [...GRANT_TYPES],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...SIGNING_ALGS],
    token_endpoint_auth_methods_supported: [...AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...AUTH_METHODS],
    introspection_endpoint_auth_methods_supported: [...AUTH_METHODS],
    code_challenge_methods_supported: [...PKCE_METHODS],
    prompt_values_supported: [...PROMPT_VALUES],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    frontchannel_logout_supported: false,
    backchannel_logout_supported: false,
  };
}

let cache: { issuer: string; json: string; at: number } | null = null;

/** The discovery document as JSON text, from a short-lived cache. */
export async function discoveryJSON(deps: Deps): Promise<string> {
  const issuer = deps.config.issuer;
  if (cache && cache.issuer === issuer && Date.now() - cache.at < CACHE_MS) {
    return cache.json;
  }
  const scopes = (await listScopes(deps.db)).map((s) => ({
    name: s.name,
    claims: JSON.parse(s.claims) as string[],
  }));
  const json = JSON.stringify(discoveryDocument(issuer, scopes));
  cache = { issuer, json, at: Date.now() };
  return json;
}

/** Forget the cached document (after a scope edit in this process). */
export function invalidateDiscovery(): void {
  cache = null;
}

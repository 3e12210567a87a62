/**
 * The OpenID Provider Configuration (OIDC Discovery 1.0 §3, RFC 8414): lists
 * exactly what this server supports. Scopes and claims come from the scopes
 * table; the document is cached with them (lib/db/config_cache.ts).
 * @module
 */
import { registrationOpen } from "../config.ts";
import { derivedFromConfig } from "../db/config_cache.ts";
import { listScopes } from "../db/scopes.ts";
import type { Deps } from "../deps.ts";
import {
  AUTH_METHODS,
  GRANT_TYPES,
  PKCE_METHODS,
  promptValuesSupported,
  RESPONSE_MODES,
  RESPONSE_TYPES,
  SIGNING_ALGS,
} from "../oauth/vocabulary.ts";
import { sha256 } from "../security/crypto.ts";

/** What the server's configuration adds to discovery. */
export interface DiscoveryOptions {
  /** Self-registration is on: `create` is a prompt value (Initiating User Registration 1.0 §4.2). */
  registration?: boolean;
}

/** Builds the discovery document for `issuer` and the given scopes. */
export function discoveryDocument(
  issuer: string,
  scopes: { name: string; claims: string[] }[],
  options: DiscoveryOptions = {},
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
    prompt_values_supported: promptValuesSupported(
      options.registration ?? false,
    ),
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    authorization_response_iss_parameter_supported: true,
    frontchannel_logout_supported: false,
    backchannel_logout_supported: false,
  };
}

/** The discovery document as JSON text with its entity tag. */
export interface DiscoveryBody {
  json: string;
  etag: string;
}

/**
 * The discovery document for this server, built once per configuration:
 * kept with the cached scopes, so a scope edit on any thread of this
 * process shows on the next request, on another instance within a second.
 */
export async function discoveryBody(deps: Deps): Promise<DiscoveryBody> {
  const issuer = deps.config.issuer;
  return await derivedFromConfig(deps.db, `discovery ${issuer}`, async () => {
    const scopes = (await listScopes(deps.db)).map((s) => ({
      name: s.name,
      claims: JSON.parse(s.claims) as string[],
    }));
    const json = JSON.stringify(
      discoveryDocument(issuer, scopes, {
        registration: registrationOpen(deps.config.registration),
      }),
    );
    return { json, etag: `"${sha256(json).slice(0, 27)}"` };
  });
}

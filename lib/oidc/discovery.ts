/**
 * The OpenID Provider Configuration (OIDC Discovery 1.0 §3): the RFC 8414
 * authorization server metadata (lib/oauth/server_metadata.ts) plus
 * OpenID Connect's members, so the two documents never disagree. Scopes and
 * claims come from the scopes table; the document is cached with the
 * configuration.
 * @module
 */
import { derivedFromConfig } from "../db/config_cache.ts";
import { ACR_VALUES } from "../accounts/factors/levels.ts";
import type { Deps } from "../deps.ts";
import {
  type MetadataInputs,
  metadataInputs,
  oauthServerMetadata,
} from "../oauth/server_metadata.ts";
import { promptValuesSupported, SIGNING_ALGS } from "../oauth/vocabulary.ts";
import { registrationOpen } from "../config.ts";
import { sha256 } from "../security/crypto.ts";

/** What the document depends on besides the issuer and the scopes. */
export type DiscoveryInputs = Omit<MetadataInputs, "issuer" | "scopes"> & {
  /** People may create accounts (REGISTRATION): prompt=create works. */
  accountRegistration?: boolean;
};

/** Builds the discovery document for `issuer` and the given scopes. */
export function discoveryDocument(
  issuer: string,
  scopes: { name: string; claims: string[] }[],
  inputs: DiscoveryInputs = {
    registration: false,
    metadataDocuments: false,
    resources: [],
  },
): Record<string, unknown> {
  const { accountRegistration = false, ...metadata } = inputs;
  const claims = new Set([
    "sub",
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "sid",
    "acr",
    "amr",
  ]);
  for (const s of scopes) for (const c of s.claims) claims.add(c);
  return {
    ...oauthServerMetadata({ issuer, scopes, ...metadata }),
    userinfo_endpoint: `${issuer}/userinfo`,
    end_session_endpoint: `${issuer}/end_session`,
    claims_supported: [...claims],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: [...SIGNING_ALGS],
    prompt_values_supported: promptValuesSupported(accountRegistration),
    // OIDC Discovery §3: "acr_values_supported ... JSON array containing a
    // list of the Authentication Context Class References that this OP
    // supports."
    acr_values_supported: [...ACR_VALUES],
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
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
 * kept with the cached scopes, resources and registration settings, so an
 * edit on any thread of this process shows on the next request, on another
 * instance within a second.
 */
export async function discoveryBody(deps: Deps): Promise<DiscoveryBody> {
  const issuer = deps.config.issuer;
  return await derivedFromConfig(deps.db, `discovery ${issuer}`, async () => {
    const { scopes, ...inputs } = await metadataInputs(deps);
    const json = JSON.stringify(
      discoveryDocument(issuer, scopes, {
        registration: inputs.registration,
        metadataDocuments: inputs.metadataDocuments,
        resources: inputs.resources,
        accountRegistration: registrationOpen(deps.config.registration),
      }),
    );
    return { json, etag: `"${sha256(json).slice(0, 27)}"` };
  });
}

/**
 * OAuth 2.0 Authorization Server Metadata (RFC 8414 §2), built from the
 * vocabulary, the scopes table, the registration settings and the
 * registered resources: exactly what works. OpenID Connect discovery
 * (lib/oidc/discovery.ts) is this document plus OIDC's members, so the two
 * never disagree. Cached with the configuration (a scope, resource or
 * registration change reaches every thread and instance the way a client
 * edit does).
 * @module
 */
import { derivedFromConfig } from "../db/config_cache.ts";
import { listResources } from "../db/resources.ts";
import { listScopes } from "../db/scopes.ts";
import type { Deps } from "../deps.ts";
import { LOCALES } from "../i18n/locales.ts";
import { sha256 } from "../security/crypto.ts";
import { registrationSettings } from "./clients/registration_settings.ts";
import {
  AUTH_METHODS,
  GRANT_TYPES,
  PKCE_METHODS,
  RESPONSE_MODES,
  RESPONSE_TYPES,
} from "./vocabulary.ts";

/** What the document depends on besides the vocabulary. */
export interface MetadataInputs {
  issuer: string;
  scopes: { name: string; claims: string[] }[];
  /** Some kind of client may register itself (RFC 7591). */
  registration: boolean;
  /** https client_id URLs are accepted. */
  metadataDocuments: boolean;
  /** Registered resource identifiers (RFC 9728 §4 protected_resources). */
  resources: string[];
}

/** RFC 8414 §2: the members this server supports. */
export function oauthServerMetadata(
  inputs: MetadataInputs,
): Record<string, unknown> {
  const { issuer } = inputs;
  const document: Record<string, unknown> = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
  };
  // Listed only when some client may register (RFC 8414 §2: "OPTIONAL").
  if (inputs.registration) {
    document.registration_endpoint = `${issuer}/register`;
  }
  Object.assign(document, {
    scopes_supported: inputs.scopes.map((s) => s.name),
    response_types_supported: [...RESPONSE_TYPES],
    response_modes_supported: [...RESPONSE_MODES],
    grant_types_supported: [...GRANT_TYPES],
    token_endpoint_auth_methods_supported: [...AUTH_METHODS],
    revocation_endpoint: `${issuer}/revoke`,
    revocation_endpoint_auth_methods_supported: [...AUTH_METHODS],
    introspection_endpoint: `${issuer}/introspect`,
    introspection_endpoint_auth_methods_supported: [...AUTH_METHODS],
    code_challenge_methods_supported: [...PKCE_METHODS],
    authorization_response_iss_parameter_supported: true,
    // RFC 8414 §2 (and OIDC Discovery §3): "ui_locales_supported ...
    // Languages and scripts supported for the user interface".
    ui_locales_supported: [...LOCALES],
    // draft-ietf-oauth-client-id-metadata-document §5.
    client_id_metadata_document_supported: inputs.metadataDocuments,
  });
  // RFC 9728 §4: "protected_resources: JSON array containing a list of
  // resource identifiers for OAuth protected resources".
  if (inputs.resources.length) {
    document.protected_resources = inputs.resources;
  }
  return document;
}

/** The current inputs of the metadata documents. */
export async function metadataInputs(deps: Deps): Promise<MetadataInputs> {
  const settings = await registrationSettings(deps);
  const scopes = (await listScopes(deps.db)).map((s) => ({
    name: s.name,
    claims: JSON.parse(s.claims) as string[],
  }));
  return {
    issuer: deps.config.issuer,
    scopes,
    registration: settings.publicClients !== "off" ||
      settings.confidentialClients !== "off",
    metadataDocuments: settings.metadataDocuments,
    resources: (await listResources(deps.db)).map((r) => r.identifier),
  };
}

/** GET /.well-known/oauth-authorization-server: JSON text and entity tag. */
export async function oauthServerMetadataBody(
  deps: Deps,
): Promise<{ json: string; etag: string }> {
  return await derivedFromConfig(
    deps.db,
    `oauth-authorization-server ${deps.config.issuer}`,
    async () => {
      const json = JSON.stringify(
        oauthServerMetadata(await metadataInputs(deps)),
      );
      return { json, etag: `"${sha256(json).slice(0, 27)}"` };
    },
  );
}

/**
 * RFC 8414 §3.1: for an issuer with a path, the metadata lives at
 * `/.well-known/oauth-authorization-server` followed by that path; this is
 * the path a request must carry (null: the issuer has none).
 */
export function issuerPath(issuer: string): string | null {
  const path = new URL(issuer).pathname.replace(/\/+$/, "");
  return path === "" ? null : path;
}

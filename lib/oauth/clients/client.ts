/**
 * A client as the protocol sees it: a registered application with its
 * policy, mapped from its stored rows once.
 * @module
 */
import type { ClientPolicyRow, ClientRow } from "../../db/schema.ts";
import {
  type ApplicationType,
  type AuthMethod,
  type ConsentPolicy,
  isPublicAuthMethod,
  type RegistrationType,
  type SigningAlg,
  splitList,
  type TokenFormat,
} from "../vocabulary.ts";

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
  /** Seconds a just-rotated refresh token answers its successor again. */
  refreshReuseGraceSeconds: number;
  /** Every sign-in for this client needs a second factor. */
  requireSecondFactor: boolean;
  /** RFC 8707: the resource a request without `resource` is for. */
  defaultResource: string | null;
  /** The resources it may ask for; null: every registered resource. */
  allowedResources: string[] | null;
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
  /** admin, dynamic (RFC 7591) or metadata_document (its id is its URL). */
  registrationType: RegistrationType;
  /** Disabled (or blocked) clients are treated as unknown. */
  disabled: boolean;
  applicationType: ApplicationType | null;
  /** RFC 7592: SHA-256 of the registration access token. */
  registrationTokenHash: string | null;
  /** A metadata document client: until when its fetched copy is fresh. */
  metadataExpiresAt: number | null;
  policy: ClientPolicy;
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
    isPublic: isPublicAuthMethod(row.token_endpoint_auth_method),
    registrationType: row.registration_type as RegistrationType,
    disabled: row.disabled === 1,
    applicationType: row.application_type as ApplicationType | null,
    registrationTokenHash: row.registration_access_token_hash,
    metadataExpiresAt: row.metadata_expires_at,
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
      refreshReuseGraceSeconds: policy.refresh_reuse_grace_seconds,
      requireSecondFactor: policy.require_second_factor === 1,
      defaultResource: policy.default_resource,
      allowedResources: policy.allowed_resources === null
        ? null
        : splitList(policy.allowed_resources),
    },
  };
}

/**
 * Minting tokens: the values, their stored rows and the token response,
 * with every signature made here, before the grant's transaction stores
 * them (lib/oauth/tokens/store.ts). Access tokens are opaque random strings,
 * or RFC 9068 JWTs (`typ: at+jwt`) when the client's policy says `jwt`;
 * either way only their SHA-256 is stored, so revocation and introspection
 * work the same. Refresh tokens are opaque and rotate.
 * @module
 */
import type { Insertable } from "kysely";
import type {
  AccessTokensTable,
  RefreshTokensTable,
  UserRow,
} from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import { randomToken, sha256 } from "../../security/crypto.ts";
import { signJWT } from "../../security/jws.ts";
import type { Client } from "../clients/client.ts";
import {
  audienceClaim,
  type Resource,
  resourceCatalog,
  scopesForAudience,
  storedResources,
} from "../resources.ts";
import type { TokenFormat } from "../vocabulary.ts";
import type { TokenExtension } from "./extension.ts";

/** RFC 6749 §5.1, plus whatever an extension adds (OIDC: id_token). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  refresh_token?: string;
  [member: string]: string | number | undefined;
}

export interface MintInput {
  client: Client;
  /** Null for client_credentials. */
  user: UserRow | null;
  scopes: string[];
  grantID: string | null;
  authTime?: number;
  sessionID?: string | null;
  nonce?: string | null;
  /** Mint a refresh token (only ever for a user's grant). */
  refreshToken: boolean;
  /**
   * The scope the resource owner granted, kept with the refresh token
   * (RFC 6749 §6); left out, the scopes being issued.
   */
  grantScopes?: string[];
  /** RFC 8707: the resources the access token is for (none: the client). */
  audience?: readonly Resource[];
  /** The resources of the grant, kept with the refresh token (§2.2). */
  grantResources?: readonly Resource[];
  /** How the user authenticated (stored with the code and refresh token). */
  authentication?: Authentication;
}

/** How the user authenticated: RFC 8176 method values and the class reached. */
export interface Authentication {
  amr: string[];
  acr: string | null;
}

/** Everything one token response issues, not yet stored. */
export interface MintedTokens {
  response: TokenResponse;
  accessToken: Insertable<AccessTokensTable>;
  refreshToken: Insertable<RefreshTokensTable> | null;
}

/**
 * Whether the code exchange issues a refresh token: the client may use the
 * refresh_token grant and no extension objects to these scopes.
 */
export function mayIssueRefreshToken(
  client: Client,
  scopes: readonly string[],
  extensions: readonly TokenExtension[],
): boolean {
  if (!client.grantTypes.includes("refresh_token")) return false;
  return extensions.every((e) => e.allowsRefreshToken?.(scopes) ?? true);
}

/**
 * What the audience decides of an access token: each resource may set its
 * own format and lifetime (the client's policy otherwise); several
 * resources get the shortest lifetime, and a JWT if any asks for one.
 */
function accessTokenShape(
  client: Client,
  audience: readonly Resource[],
): { format: TokenFormat; lifetime: number } {
  const { policy } = client;
  if (audience.length === 0) {
    return { format: policy.tokenFormat, lifetime: policy.accessTokenLifetime };
  }
  const formats = audience.map((r) => r.tokenFormat ?? policy.tokenFormat);
  return {
    format: formats.includes("jwt") ? "jwt" : "opaque",
    lifetime: Math.min(
      ...audience.map((r) =>
        r.accessTokenLifetime ?? policy.accessTokenLifetime
      ),
    ),
  };
}

/** RFC 9068 §2.2: a JWT access token's claims. */
async function signAccessTokenJWT(
  deps: Deps,
  input: MintInput,
  jti: string,
  expiresAt: number,
  resources: string | null,
): Promise<string> {
  const key = await deps.keys.signingKey(input.client.policy.idTokenAlg);
  const now = deps.now();
  const payload: Record<string, unknown> = {
    client_id: input.client.id,
    scope: input.scopes.join(" "),
  };
  if (input.authTime !== undefined) payload.auth_time = input.authTime;
  payload.iss = deps.config.issuer;
  payload.sub = input.user?.id ?? input.client.id;
  // RFC 9068 §3: "the aud claim MUST identify the resource server"; RFC
  // 8707 §2: the resource indicators the client asked for.
  payload.aud = audienceClaim(resources, input.client.id);
  payload.iat = now;
  payload.exp = expiresAt;
  payload.jti = jti;
  return await signJWT(key, { typ: "at+jwt" }, payload);
}

/**
 * Mints an access token, a refresh token when asked (and there is a user's
 * grant to rotate), and what the extensions add.
 */
export async function mintTokens(
  deps: Deps,
  input: MintInput,
  extensions: readonly TokenExtension[],
): Promise<MintedTokens> {
  const now = deps.now();
  const { client } = input;
  const { policy } = client;
  const audience = input.audience ?? [];
  const resources = storedResources(audience);
  const grantScopes = input.grantScopes ?? input.scopes;
  // The granted scopes the audience defines, plus this server's own
  // (OpenID Connect's, for userinfo): a token for one API never carries
  // another API's scopes.
  if (audience.length) {
    input = {
      ...input,
      scopes: scopesForAudience(
        await resourceCatalog(deps),
        input.scopes,
        audience,
      ),
    };
  }
  const shape = accessTokenShape(client, audience);
  const expiresAt = now + shape.lifetime;
  const jti = crypto.randomUUID();
  const accessToken = shape.format === "jwt"
    ? await signAccessTokenJWT(deps, input, jti, expiresAt, resources)
    : randomToken(32);
  const scope = input.scopes.join(" ");
  const response: TokenResponse = {
    access_token: accessToken,
    token_type: "Bearer",
    expires_in: shape.lifetime,
    scope,
  };
  const authTime = input.authTime ?? now;
  for (const extension of extensions) {
    if (!extension.responseMembers) continue;
    Object.assign(
      response,
      await extension.responseMembers({
        deps,
        client,
        user: input.user,
        scopes: input.scopes,
        authTime,
        sessionID: input.sessionID ?? null,
        nonce: input.nonce ?? null,
        accessToken,
        authentication: input.authentication ?? null,
      }),
    );
  }
  // A refresh token continues a user's grant; there is none to continue
  // for a client acting for itself.
  const chain = input.refreshToken && input.user && input.grantID
    ? { user: input.user, grantID: input.grantID }
    : null;
  const refreshToken = chain ? randomToken(32) : null;
  if (refreshToken) response.refresh_token = refreshToken;
  return {
    response,
    accessToken: {
      token_hash: sha256(accessToken),
      grant_id: input.grantID,
      client_id: client.id,
      user_id: input.user?.id ?? null,
      scope,
      jti: shape.format === "jwt" ? jti : null,
      expires_at: expiresAt,
      revoked_at: null,
      created_at: now,
      session_id: input.sessionID ?? null,
      resources,
    },
    refreshToken: chain && refreshToken
      ? {
        token_hash: sha256(refreshToken),
        grant_id: chain.grantID,
        client_id: client.id,
        user_id: chain.user.id,
        scope,
        auth_time: authTime,
        session_id: input.sessionID ?? null,
        expires_at: now + policy.refreshTokenTTLDays * 86400,
        consumed_at: null,
        revoked_at: null,
        created_at: now,
        grant_scope: grantScopes.join(" "),
        successor: null,
        successor_until: null,
        resources: storedResources(input.grantResources ?? audience),
        amr: input.authentication?.amr.join(" ") ?? "",
        acr: input.authentication?.acr ?? null,
      }
      : null,
  };
}

/**
 * The one client fixture: users, registered clients and tokens issued
 * straight through lib/ (without walking the authorization flow), the RFC
 * 6749 §2.3.1 Basic encoder, form posts, and the three-client world the
 * resource-side endpoint tests share (introspection, revocation, userinfo,
 * logout).
 * @module
 */
import type { UserRow } from "../../lib/db/schema.ts";
import type { Client } from "../../lib/oauth/clients/client.ts";
import {
  ClientMetadata,
  type ClientMetadataInput,
} from "../../lib/oauth/clients/metadata.ts";
import {
  loadClient,
  registerClient,
  type RegisteredClient,
} from "../../lib/oauth/clients/registry.ts";
import { mintTokens } from "../../lib/oauth/tokens/mint.ts";
import { storeTokens } from "../../lib/oauth/tokens/store.ts";
import type { OIDCTokenResponse } from "../../lib/oidc/id_token.ts";
import { TOKEN_EXTENSIONS } from "../../lib/provider.ts";
import { createUser } from "../../lib/users.ts";
import type { TestApp } from "./test_app.ts";

/**
 * A client object as lib/oauth sees it, without a database (unit tests of
 * checks and authentication): public, PKCE, openid and profile, one
 * redirect URI; `overrides` changes any field.
 */
export function clientObject(overrides: Partial<Client> = {}): Client {
  return {
    id: "app",
    name: "App",
    secretHash: null,
    redirectURIs: ["https://app.example/cb"],
    grantTypes: ["authorization_code", "refresh_token"],
    responseTypes: ["code"],
    scope: ["openid", "profile"],
    authMethod: "none",
    requireConsent: true,
    isPublic: true,
    registrationType: "admin",
    disabled: false,
    applicationType: null,
    registrationTokenHash: null,
    metadataExpiresAt: null,
    policy: {
      allowedScopes: ["openid", "profile"],
      defaultScopes: ["openid"],
      postLogoutRedirectURIs: [],
      requirePKCE: true,
      consentPolicy: "once",
      accessTokenLifetime: 3600,
      refreshTokenTTLDays: 30,
      tokenFormat: "opaque",
      idTokenAlg: "RS256",
      refreshReuseGraceSeconds: 0,
      requireSecondFactor: false,
      defaultResource: null,
      allowedResources: null,
    },
    ...overrides,
  };
}

/** The password every fixture user has. */
export const USER_PASSWORD = "correct horse battery staple";

/** A registered client: what registration answered, plus the loaded client. */
export interface TestClient extends RegisteredClient {
  client: Client;
  /** Present for confidential clients. */
  secret: string | undefined;
}

/** Creates a user; `claims` become extra OIDC claims. */
export async function addUser(
  t: TestApp,
  username: string,
  options: {
    email?: string;
    emailVerified?: boolean;
    claims?: Record<string, unknown>;
  } = {},
): Promise<UserRow> {
  return await createUser(t.deps.db, {
    username,
    password: USER_PASSWORD,
    email: options.email ?? null,
    emailVerified: options.emailVerified,
    claims: options.claims,
  }, t.deps.now());
}

/**
 * Registers a client as the dev helper and admin API do (defaults:
 * confidential, client_secret_basic, http://localhost:3000/callback).
 */
export async function addClient(
  t: TestApp,
  metadata: ClientMetadataInput,
): Promise<TestClient> {
  const registered = await registerClient(
    t.deps.db,
    ClientMetadata.parse({
      redirect_uris: ["http://localhost:3000/callback"],
      ...metadata,
    }),
    t.deps.now(),
  );
  const client = await loadClient(t.deps, registered.client_id);
  if (!client) throw new Error("registered client did not load");
  return { ...registered, client, secret: registered.client_secret };
}

/** Issues tokens for one new grant (ID token when openid is granted). */
export async function grant(
  t: TestApp,
  client: TestClient,
  user: UserRow | null,
  scopes: string[],
  options: { refreshToken?: boolean; sessionID?: string } = {},
): Promise<OIDCTokenResponse & { grantID: string }> {
  const grantID = crypto.randomUUID();
  const minted = await mintTokens(t.deps, {
    client: client.client,
    user,
    scopes,
    grantID: user ? grantID : null,
    sessionID: options.sessionID ?? null,
    refreshToken: options.refreshToken ?? user !== null,
  }, TOKEN_EXTENSIONS);
  await storeTokens(t.deps.db, minted);
  return { ...minted.response, grantID };
}

/** `Authorization: Basic` with RFC 6749 §2.3.1's form-encoding of both parts. */
export function basic(clientID: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${btoa(`${enc(clientID)}:${enc(secret)}`)}`;
}

/** A form POST, like `curl -d`. */
export function formPost(
  params: Record<string, string>,
  headers: Record<string, string> = {},
): RequestInit {
  return {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body: new URLSearchParams(params),
  };
}

/**
 * A form POST that authenticates `client` the way it registered (Basic
 * header, secret in the body, or client_id alone).
 */
export function clientPost(
  client: TestClient,
  params: Record<string, string>,
): RequestInit {
  switch (client.client.authMethod) {
    case "client_secret_basic":
      return formPost(params, {
        Authorization: basic(client.client_id, client.secret!),
      });
    case "client_secret_post":
      return formPost({
        client_id: client.client_id,
        client_secret: client.secret!,
        ...params,
      });
    case "none":
      return formPost({ client_id: client.client_id, ...params });
  }
}

export const WEB_LOGOUT = "http://localhost:3000/";
export const POST_LOGOUT = "http://localhost:3001/after-logout?from=op";

export interface ResourceWorld {
  /** demo-web: client_secret_basic, post-logout WEB_LOGOUT. */
  web: TestClient;
  /** demo-post: client_secret_post on localhost:3001, post-logout POST_LOGOUT. */
  post: TestClient;
  /** demo-spa: public (none). */
  spa: TestClient;
  /** alice@example.test, verified, with a name and a files claim. */
  alice: UserRow;
  bob: UserRow;
}

/**
 * Three clients, one per authentication method, and two users: what the
 * introspection, revocation, userinfo and logout tests run against.
 */
export async function resourceWorld(t: TestApp): Promise<ResourceWorld> {
  const scope = "openid profile email offline_access files";
  const web = await addClient(t, {
    client_id: "demo-web",
    token_endpoint_auth_method: "client_secret_basic",
    scope,
    post_logout_redirect_uris: [WEB_LOGOUT],
  });
  const post = await addClient(t, {
    client_id: "demo-post",
    token_endpoint_auth_method: "client_secret_post",
    redirect_uris: ["http://localhost:3001/callback"],
    scope,
    post_logout_redirect_uris: [POST_LOGOUT],
  });
  const spa = await addClient(t, {
    client_id: "demo-spa",
    token_endpoint_auth_method: "none",
    scope,
  });
  const alice = await addUser(t, "alice", {
    email: "alice@example.test",
    emailVerified: true,
    claims: { name: "Alice Liddell", files: ["a.txt", "b.txt"] },
  });
  const bob = await addUser(t, "bob");
  return { web, post, spa, alice, bob };
}

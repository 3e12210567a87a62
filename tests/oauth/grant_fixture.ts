/**
 * Fixture for the resource-side endpoint tests (userinfo, revoke,
 * introspect, logout): users, registered clients and tokens issued straight
 * through lib/, without walking the authorization flow.
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
import type { TestApp } from "../helpers/test_app.ts";

export interface TestClient {
  client: Client;
  /** Present for confidential clients. */
  secret: string | undefined;
  registered: RegisteredClient;
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
    password: "correct horse battery staple",
    email: options.email ?? null,
    emailVerified: options.emailVerified,
    claims: options.claims,
  }, t.deps.now());
}

/** Registers a client (defaults: confidential, client_secret_basic). */
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
  return { client, secret: registered.client_secret, registered };
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

/** `Authorization: Basic` as `curl -u 'CLIENT_ID:CLIENT_SECRET'` sends it. */
export function basic(clientID: string, secret: string): string {
  return `Basic ${btoa(`${clientID}:${secret}`)}`;
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

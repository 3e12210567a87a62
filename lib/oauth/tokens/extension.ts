/**
 * How a protocol layered on OAuth 2.0 joins the token response without
 * lib/oauth knowing it: OpenID Connect adds the ID token this way
 * (lib/oidc/id_token.ts), composed in lib/provider.ts. Extensions run while
 * tokens are minted, before the grant stores anything.
 * @module
 */
import type { UserRow } from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import type { Client } from "../clients/client.ts";
import type { Authentication } from "./mint.ts";

/** What is being minted, as an extension sees it. */
export interface MintingContext {
  deps: Deps;
  client: Client;
  /** Null for a client acting for itself (client_credentials). */
  user: UserRow | null;
  scopes: readonly string[];
  authTime: number;
  sessionID: string | null;
  nonce: string | null;
  /** The access token just minted (for hashes of it, like at_hash). */
  accessToken: string;
  /** How the user authenticated; null when nothing was recorded. */
  authentication: Authentication | null;
}

export interface TokenExtension {
  /**
   * Whether the code exchange may issue a refresh token for these scopes
   * (left out: no opinion).
   */
  allowsRefreshToken?(scopes: readonly string[]): boolean;
  /** Members this extension adds to the token response (e.g. id_token). */
  responseMembers?(ctx: MintingContext): Promise<Record<string, string>>;
}

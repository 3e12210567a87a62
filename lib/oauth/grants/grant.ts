/**
 * One grant type at the token endpoint (RFC 6749 §4, §6): its name from the
 * vocabulary and a named `handle`. The endpoint has already read the form,
 * authenticated the client and checked that it may use this grant type
 * (its registration, and the vocabulary's rule for public clients); the
 * handler validates the grant, mints the tokens and stores them in the
 * transaction it owns.
 * @module
 */
import type { Deps } from "../../deps.ts";
import type { Client } from "../clients/client.ts";
import type { TokenExtension } from "../tokens/extension.ts";
import type { TokenResponse } from "../tokens/mint.ts";
import type { GrantType } from "../vocabulary.ts";

export interface TokenRequest {
  /** The form body, each parameter once. */
  form: URLSearchParams;
  /** What the endpoint was composed with (OIDC adds the ID token). */
  extensions: readonly TokenExtension[];
}

export interface GrantHandler<G extends GrantType = GrantType> {
  readonly grantType: G;
  handle(
    request: TokenRequest,
    client: Client,
    deps: Deps,
  ): Promise<TokenResponse>;
}

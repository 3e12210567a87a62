/**
 * The authorization server as composed: the OAuth 2.0 endpoints of
 * lib/oauth with OpenID Connect (lib/oidc) plugged into them. The one place
 * that imports both, so lib/oauth never depends on lib/oidc.
 * @module
 */
import {
  AUTHORIZE_CHECKS,
  type AuthorizeCheck,
} from "./oauth/authorize/checks.ts";
import { createAuthorizationEndpoint } from "./oauth/authorize/endpoint.ts";
import { GRANTS } from "./oauth/grants/mod.ts";
import type { TokenExtension } from "./oauth/tokens/extension.ts";
import { createTokenEndpoint } from "./oauth/token_endpoint.ts";
import { OIDC_AUTHORIZE_CHECKS } from "./oidc/authorize.ts";
import { ID_TOKEN_EXTENSION } from "./oidc/id_token.ts";

/** What joins every token response: the OIDC ID token. */
export const TOKEN_EXTENSIONS: readonly TokenExtension[] = [
  ID_TOKEN_EXTENSION,
];

/** POST /token. */
export const tokenEndpoint = createTokenEndpoint({
  grants: GRANTS,
  extensions: TOKEN_EXTENSIONS,
});

/** The checks of an authorization request: OAuth 2.0's, then OIDC's. */
export const AUTHORIZE_REQUEST_CHECKS: readonly AuthorizeCheck[] = [
  ...AUTHORIZE_CHECKS,
  ...OIDC_AUTHORIZE_CHECKS,
];

/** GET/POST /authorize. */
export const authorizationEndpoint = createAuthorizationEndpoint({
  checks: AUTHORIZE_REQUEST_CHECKS,
});

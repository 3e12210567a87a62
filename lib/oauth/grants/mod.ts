/**
 * The grant registry the token endpoint dispatches on: one handler per
 * grant type of the vocabulary (this does not compile until each has one).
 * @module
 */
import type { GrantType } from "../vocabulary.ts";
import { authorizationCode } from "./authorization_code.ts";
import { clientCredentials } from "./client_credentials.ts";
import type { GrantHandler } from "./grant.ts";
import { refreshToken } from "./refresh_token.ts";

const HANDLERS = {
  authorization_code: authorizationCode,
  refresh_token: refreshToken,
  client_credentials: clientCredentials,
} satisfies { [G in GrantType]: GrantHandler<G> };

export const GRANTS: ReadonlyMap<string, GrantHandler> = new Map(
  Object.values(HANDLERS).map((h) => [h.grantType, h]),
);

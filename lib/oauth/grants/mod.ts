/** Grant handlers by grant_type, dispatched by the token endpoint. */
import type { Deps } from "../../deps.ts";
import type { Client } from "../clients/client.ts";
import type { TokenResponse } from "../tokens.ts";
import { authorizationCode } from "./authorization_code.ts";
import { clientCredentials } from "./client_credentials.ts";
import { refreshToken } from "./refresh_token.ts";

export type GrantHandler = (
  deps: Deps,
  client: Client,
  form: URLSearchParams,
) => Promise<TokenResponse>;

export const GRANTS: ReadonlyMap<string, GrantHandler> = new Map([
  ["authorization_code", authorizationCode],
  ["refresh_token", refreshToken],
  ["client_credentials", clientCredentials],
]);

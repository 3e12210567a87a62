/**
 * POST /token (RFC 6749 §3.2): form body only, each parameter once, client
 * authenticated, grant type allowed for the client, then the grant's
 * handler. Responses carry Cache-Control: no-store (§5.1); errors are
 * written by `define.api` (RFC 6749 §5.2).
 * @module
 */
import type { Deps } from "../deps.ts";
import { tokensIssued } from "../metrics/metrics.ts";
import { authenticateClient } from "./clients/authenticate.ts";
import type { Client } from "./clients/client.ts";
import {
  InvalidRequest,
  UnauthorizedClient,
  UnsupportedGrantType,
} from "./errors.ts";
import type { GrantHandler } from "./grants/grant.ts";
import { parseForm } from "./request.ts";
import { jsonResponse } from "./response.ts";
import type { TokenExtension } from "./tokens/extension.ts";
import { grantAllowedFor } from "./vocabulary.ts";

export interface TokenEndpointOptions {
  grants: ReadonlyMap<string, GrantHandler>;
  extensions: readonly TokenExtension[];
}

export type TokenEndpoint = (
  deps: Deps,
  req: Request,
  ip: string | null,
) => Promise<Response>;

/**
 * RFC 6749 §5.2 unauthorized_client: "The authenticated client is not
 * authorized to use this authorization grant type."
 */
function checkGrantAllowed(client: Client, grant: GrantHandler): void {
  if (!client.grantTypes.includes(grant.grantType)) {
    throw new UnauthorizedClient(
      `this client may not use grant_type ${grant.grantType}`,
    );
  }
  if (!grantAllowedFor(grant.grantType, client.authMethod)) {
    throw new UnauthorizedClient(
      `public clients cannot use ${grant.grantType}`,
    );
  }
}

/**
 * The token endpoint over a grant registry and the extensions that join
 * the token response.
 *
 * @example
 * ```ts
 * const tokenEndpoint = createTokenEndpoint({ grants: GRANTS, extensions: [] });
 * ```
 */
export function createTokenEndpoint(
  options: TokenEndpointOptions,
): TokenEndpoint {
  const { grants, extensions } = options;
  return async function tokenEndpoint(deps, req, ip) {
    const form = await parseForm(req);
    const grantType = form.get("grant_type");
    if (!grantType) throw new InvalidRequest("grant_type is required");
    const grant = grants.get(grantType);
    if (!grant) {
      throw new UnsupportedGrantType(
        `grant_type ${grantType} is not supported`,
      );
    }
    const client = await authenticateClient(
      deps,
      req.headers.get("Authorization"),
      form,
      ip,
    );
    checkGrantAllowed(client, grant);
    const body = await grant.handle({ form, extensions }, client, deps);
    tokensIssued.inc({ grant_type: grantType, client_id: client.id });
    return jsonResponse(body);
  };
}

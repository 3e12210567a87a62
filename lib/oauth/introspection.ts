/**
 * POST /introspect (RFC 7662): tells an authenticated client whether one of
 * its tokens is active and, if so, what it carries; a resource server (the
 * confidential client an API resource names as its server) learns the same
 * about access tokens whose audience includes that resource (§2.1).
 * Anything else - unknown, expired, revoked, rotated, another client's
 * token, a token of a deleted or disabled user - is exactly
 * `{"active":false}`, so the answer reveals nothing about why.
 * @module
 */
import type { Deps } from "../deps.ts";
import type { Client } from "./clients/client.ts";
import { readPresentedToken } from "./presented_token.ts";
import { audienceClaim, resourceCatalog } from "./resources.ts";
import { jsonResponse } from "./response.ts";
import { type FoundToken, isTokenActive, tokenUser } from "./tokens/lookup.ts";

/** RFC 7662 §2.2: the members this server answers for an active token. */
export interface ActiveIntrospection {
  active: true;
  client_id: string;
  token_type: "Bearer" | "refresh_token";
  scope: string;
  exp: number;
  iat: number;
  sub: string;
  username?: string;
  iss: string;
  aud: string | string[];
  jti?: string;
}

export type Introspection = ActiveIntrospection | { active: false };

const INACTIVE: Introspection = { active: false };

/**
 * Whether `client` is the server of a resource in the access token's
 * audience. RFC 7662 §2.1: "the protected resource ... authenticates with
 * the authorization server"; it may learn about tokens meant for it.
 */
async function servesAudience(
  deps: Deps,
  client: Client,
  found: FoundToken,
): Promise<boolean> {
  if (found.kind !== "access_token" || !found.row.resources) return false;
  const catalog = await resourceCatalog(deps);
  return found.row.resources.split(" ").some((id) =>
    catalog.byIdentifier.get(id)?.serverClientID === client.id
  );
}

/** Describes `found` for `client`, or inactive (RFC 7662 §2.2). */
export async function introspect(
  deps: Deps,
  client: Client,
  found: FoundToken | null,
): Promise<Introspection> {
  if (!found) return INACTIVE;
  // RFC 7662 §4: a client may learn only about its own tokens (and a
  // resource server about those for it); any other answer would let one
  // client probe tokens issued to another.
  if (
    found.row.client_id !== client.id &&
    !(await servesAudience(deps, client, found))
  ) {
    return INACTIVE;
  }
  if (!isTokenActive(found, deps.now())) return INACTIVE;

  const { row } = found;
  // A token outlives nothing: once its user is gone or disabled it is over.
  const { user, live } = await tokenUser(deps.db, found);
  if (!live) return INACTIVE;
  const username = user?.username;
  const answer: ActiveIntrospection = {
    active: true,
    client_id: row.client_id,
    token_type: found.kind === "access_token" ? "Bearer" : "refresh_token",
    scope: row.scope,
    exp: row.expires_at,
    iat: row.created_at,
    // A client_credentials token acts for the client itself (RFC 9068 §2.2).
    sub: row.user_id ?? row.client_id,
    iss: deps.config.issuer,
    // RFC 7662 §2.2 aud; RFC 8707: the resources the token is for.
    aud: found.kind === "access_token"
      ? audienceClaim(found.row.resources, row.client_id)
      : row.client_id,
  };
  if (username !== undefined) answer.username = username;
  if (found.kind === "access_token" && found.row.jti !== null) {
    answer.jti = found.row.jti;
  }
  return answer;
}

/**
 * Answers an introspection request (RFC 7662 §2.1, §2.2). The caller must
 * authenticate as a client (§2.1: "the endpoint MUST also require some form
 * of authorization"); errors are RFC 6749 §5.2 JSON (§2.3), written by
 * `define.api`.
 *
 * @example
 * ```ts
 * POST: (req, { deps, ip }) => introspectionEndpoint(deps, req, ip),
 * ```
 */
export async function introspectionEndpoint(
  deps: Deps,
  req: Request,
  ip: string | null,
): Promise<Response> {
  // RFC 7662 §2.1: a form POST by an authenticated client; the hint orders
  // the search, which "MUST extend ... across all" token types.
  const { client, found } = await readPresentedToken(deps, req, ip);
  return jsonResponse(await introspect(deps, client, found));
}

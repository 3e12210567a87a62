/**
 * The UserInfo endpoint (OIDC Core §5.3): a protected resource that answers
 * the claims the access token's scopes release about its end-user. The token
 * is presented as RFC 6750 describes: in the Authorization header (§2.1) or,
 * for POST, in a form body (§2.2); never in the query string (§2.3 is
 * optional and leaks tokens into logs and Referer headers).
 * @module
 */
import type { Deps } from "../deps.ts";
import { BearerError } from "../oauth/errors.ts";
import { readBearerToken } from "../oauth/request.ts";
import { bearerChallenge, jsonResponse } from "../oauth/response.ts";
import { findToken, isTokenActive, tokenUser } from "../oauth/tokens/lookup.ts";
import { splitList } from "../oauth/vocabulary.ts";
import { claimsForScopes } from "./claims.ts";

const REALM = "userinfo";
/** Far longer than any token we issue (JWT access tokens included). */
const MAX_TOKEN_LENGTH = 8192;

function invalidToken(description: string): BearerError {
  return new BearerError("invalid_token", description, { realm: REALM });
}

/**
 * Answers a UserInfo request (OIDC Core §5.3.1, §5.3.2; errors per RFC
 * 6750 §3.1 with a `WWW-Authenticate: Bearer` challenge).
 *
 * @example
 * ```ts
 * GET: (req, { deps }) => userinfoEndpoint(req, deps),
 * ```
 */
export async function userinfoEndpoint(
  req: Request,
  deps: Deps,
): Promise<Response> {
  const token = await readBearerToken(req, REALM);
  // RFC 6750 §3.1: a request without any authentication information gets a
  // bare challenge, without an error code.
  if (token === null) return bearerChallenge(REALM);
  if (token.length > MAX_TOKEN_LENGTH) {
    throw invalidToken("access token is invalid");
  }

  const found = await findToken(deps.db, token, "access_token");
  // A refresh token is a credential for the token endpoint only; it does not
  // grant access to resources (RFC 6749 §1.5).
  if (!found || found.kind !== "access_token") {
    throw invalidToken("access token is invalid");
  }
  if (!isTokenActive(found, deps.now())) {
    throw invalidToken("access token is expired or revoked");
  }

  const scopes = splitList(found.row.scope);
  // OIDC Core §5.3: the UserInfo endpoint serves tokens obtained through an
  // OpenID Connect request, which always carries the openid scope.
  if (!scopes.includes("openid")) {
    throw new BearerError(
      "insufficient_scope",
      "access token lacks the openid scope",
      { realm: REALM, scope: "openid" },
    );
  }
  if (found.row.user_id === null) {
    throw invalidToken("access token was not issued for an end-user");
  }
  const { user } = await tokenUser(deps.db, found);
  if (!user) throw invalidToken("access token is invalid");

  return jsonResponse(await claimsForScopes(deps.db, user, scopes));
}

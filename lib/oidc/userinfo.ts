/**
 * The UserInfo endpoint (OIDC Core §5.3): a protected resource that answers
 * the claims the access token's scopes release about its end-user. The token
 * is presented as RFC 6750 describes: in the Authorization header (§2.1) or,
 * for POST, in a form body (§2.2); never in the query string (§2.3 is
 * optional and leaks tokens into logs and Referer headers).
 * @module
 */
import type { Deps } from "../deps.ts";
import { bearerChallenge, BearerError } from "../oauth/errors.ts";
import { findToken, isTokenActive, tokenUser } from "../oauth/tokens.ts";
import { claimsForScopes } from "./claims.ts";
import { splitList } from "../oauth/vocabulary.ts";

const REALM = "userinfo";
const FORM_TYPE = "application/x-www-form-urlencoded";
/** RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Far longer than any token we issue (JWT access tokens included). */
const MAX_TOKEN_LENGTH = 8192;

function invalidRequest(description: string): BearerError {
  return new BearerError("invalid_request", description, { realm: REALM });
}

function invalidToken(description: string): BearerError {
  return new BearerError("invalid_token", description, { realm: REALM });
}

function isForm(req: Request): boolean {
  const type = req.headers.get("Content-Type") ?? "";
  return type.split(";")[0].trim().toLowerCase() === FORM_TYPE;
}

/**
 * Reads the bearer token from the request, or null when none was sent.
 * RFC 6750 §2: "Clients MUST NOT use more than one method to transmit the
 * token in each request."
 */
export async function readBearerToken(req: Request): Promise<string | null> {
  if (new URL(req.url).searchParams.has("access_token")) {
    throw invalidRequest(
      "access_token must be sent in the authorization header or a form body, not the query string",
    );
  }
  const tokens: string[] = [];
  const authorization = req.headers.get("Authorization");
  if (authorization !== null && /^bearer(\s|$)/i.test(authorization)) {
    const value = authorization.slice(6).trim();
    if (!B64TOKEN.test(value)) {
      throw invalidRequest("authorization header must be 'Bearer <token>'");
    }
    tokens.push(value);
  }
  // RFC 6750 §2.2: the form-encoded body parameter is only for methods whose
  // body has defined semantics, and only for a single-part urlencoded body.
  if (req.method === "POST" && isForm(req)) {
    const form = new URLSearchParams(await req.text());
    const values = form.getAll("access_token");
    if (values.length > 1) {
      throw invalidRequest("access_token must not be repeated");
    }
    if (values.length === 1) tokens.push(values[0]);
  }
  if (tokens.length > 1) {
    throw invalidRequest(
      "access token must be sent by one method only, not header and body",
    );
  }
  if (tokens.length === 0) return null;
  if (tokens[0] === "") throw invalidRequest("access_token is empty");
  return tokens[0];
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
  const token = await readBearerToken(req);
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

  const claims = await claimsForScopes(deps.db, user, scopes);
  return new Response(JSON.stringify(claims), {
    status: 200,
    headers: {
      "Content-Type": "application/json",
      "Cache-Control": "no-store",
      Pragma: "no-cache",
    },
  });
}

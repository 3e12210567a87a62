/**
 * The way out of the protocol endpoints: JSON answers that no cache keeps
 * (RFC 6749 §5.1: "Cache-Control: no-store"), empty answers, and OAuth
 * errors as their JSON body (RFC 6749 §5.2) or bearer challenge (RFC 6750
 * §3). `define.api` routes turn any OAuthError they throw into
 * `oauthErrorResponse`, so endpoint handlers hold no try/catch.
 * @module
 */
import type { OAuthError } from "./errors.ts";

/** RFC 6749 §5.1: token responses (and anything carrying tokens) are not cached. */
export const NO_STORE: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  Pragma: "no-cache",
};

const JSON_NO_STORE = { "Content-Type": "application/json", ...NO_STORE };

/** A JSON answer with `no-store`. */
export function jsonResponse(
  body: unknown,
  init: { status?: number; headers?: Record<string, string> } = {},
): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: init.headers
      ? { ...JSON_NO_STORE, ...init.headers }
      : JSON_NO_STORE,
  });
}

/** A 200 with no body (RFC 7009 §2.2), not cached. */
export function emptyResponse(): Response {
  return new Response(null, { status: 200, headers: NO_STORE });
}

/** Writes an OAuthError as its JSON response (RFC 6749 §5.2). */
export function oauthErrorResponse(err: OAuthError): Response {
  return jsonResponse(err.toJSON(), {
    status: err.status,
    headers: err.headers,
  });
}

/** RFC 6750 §3: no credentials at all answers 401 with a bare challenge. */
export function bearerChallenge(realm: string): Response {
  return jsonResponse({
    error: "invalid_token",
    error_description: "no access token was provided",
  }, {
    status: 401,
    headers: { "WWW-Authenticate": `Bearer realm="${realm}"` },
  });
}

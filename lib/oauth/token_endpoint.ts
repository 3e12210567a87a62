/**
 * POST /token (RFC 6749 §3.2): form body only, each parameter once, client
 * authenticated, grant allowed for the client, then the grant's handler.
 * Responses carry Cache-Control: no-store (§5.1).
 * @module
 */
import type { Deps } from "../deps.ts";
import { authenticateClient } from "./clients/authenticate.ts";
import {
  InvalidRequest,
  OAuthError,
  oauthErrorResponse,
  UnauthorizedClient,
  UnsupportedGrantType,
} from "./errors.ts";
import { GRANTS } from "./grants/mod.ts";
import { tokensIssued } from "../metrics/metrics.ts";

/** Parses an application/x-www-form-urlencoded body, refusing repeats. */
export async function readForm(req: Request): Promise<URLSearchParams> {
  const type = req.headers.get("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    throw new InvalidRequest(
      "the request body must be application/x-www-form-urlencoded",
    );
  }
  const form = new URLSearchParams(await req.text());
  const seen = new Set<string>();
  for (const key of form.keys()) {
    // RFC 6749 §3.2: "Request and response parameters MUST NOT be included
    // more than once."
    if (seen.has(key)) throw new InvalidRequest(`${key} must not be repeated`);
    seen.add(key);
  }
  return form;
}

const JSON_HEADERS = {
  "Content-Type": "application/json",
  "Cache-Control": "no-store",
  Pragma: "no-cache",
};

/** Handles a token request; every failure is an RFC 6749 §5.2 response. */
export async function tokenEndpoint(
  deps: Deps,
  req: Request,
  ip: string | null,
): Promise<Response> {
  try {
    const form = await readForm(req);
    const grantType = form.get("grant_type");
    if (!grantType) throw new InvalidRequest("grant_type is required");
    const grant = GRANTS.get(grantType);
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
    if (!client.grantTypes.includes(grantType)) {
      throw new UnauthorizedClient(
        `this client may not use grant_type ${grantType}`,
      );
    }
    const body = await grant(deps, client, form);
    tokensIssued.inc({ grant_type: grantType, client_id: client.id });
    return new Response(JSON.stringify(body), { headers: JSON_HEADERS });
  } catch (err) {
    if (err instanceof OAuthError) return oauthErrorResponse(err);
    throw err;
  }
}

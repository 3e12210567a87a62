/**
 * POST /revoke (RFC 7009): a client tells us it no longer needs a token. The
 * answer is 200 whether or not anything was revoked, so the endpoint tells
 * nobody which tokens exist; revoking a refresh token ends its whole grant.
 * @module
 */
import { revokeAccessToken, revokeGrant } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import { sha256 } from "../security/crypto.ts";
import { tokensRevoked } from "../metrics/metrics.ts";
import { readPresentedToken } from "./presented_token.ts";
import { emptyResponse } from "./response.ts";

/**
 * Revokes the presented token if it belongs to the calling client
 * (RFC 7009 §2.1, §2.2). Errors are RFC 6749 §5.2 JSON (§2.2.1).
 *
 * @example
 * ```ts
 * POST: (req, { deps, ip }) => revocationEndpoint(deps, req, ip),
 * ```
 */
export async function revocationEndpoint(
  deps: Deps,
  req: Request,
  ip: string | null,
): Promise<Response> {
  // RFC 7009 §2.1: a form POST; "The authorization server first validates
  // the client credentials"; the hint only orders the search.
  const { client, token, found } = await readPresentedToken(deps, req, ip);
  // RFC 7009 §2.2: "invalid tokens do not cause an error response". A token
  // issued to another client is left alone and answered the same way, so a
  // client learns nothing about other clients' tokens. "The content of the
  // response body is ignored by the client".
  if (!found || found.row.client_id !== client.id) return emptyResponse();

  const now = deps.now();
  if (found.kind === "refresh_token") {
    // RFC 7009 §2.1: revoking a refresh token SHOULD also invalidate "all
    // access tokens based on the same authorization grant".
    await revokeGrant(deps.db, found.row.grant_id, now);
  } else {
    await revokeAccessToken(deps.db, sha256(token), now);
  }
  tokensRevoked.inc({ kind: found.kind, client_id: client.id });
  return emptyResponse();
}

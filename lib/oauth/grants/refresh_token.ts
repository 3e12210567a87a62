/**
 * grant_type=refresh_token (RFC 6749 §6) with rotation (RFC 9700 §4.14.2):
 * the presented token is retired in the same transaction that stores its
 * successor; presenting a retired token again - later or concurrently -
 * revokes the whole family, unless the client's policy grants a short
 * reuse grace window, within which the same successor is answered again.
 * The scope follows the grant and the client's current policy.
 * @module
 */
import {
  findRefreshToken,
  findRefreshTokenAndUser,
  revokeGrant,
  rotateRefreshToken,
} from "../../db/tokens.ts";
import type { RefreshTokenRow } from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import { sha256 } from "../../security/crypto.ts";
import { seal, unseal } from "../../security/sealed.ts";
import type { Client } from "../clients/client.ts";
import { InvalidGrant, InvalidRequest, InvalidScope } from "../errors.ts";
import { tokenAudience } from "../resources.ts";
import { mintTokens, type TokenResponse } from "../tokens/mint.ts";
import { splitList } from "../vocabulary.ts";
import { authenticationOf } from "./authorization_code.ts";
import type { GrantHandler } from "./grant.ts";

/** What a sealed successor is bound to (lib/security/sealed.ts). */
const SUCCESSOR_PURPOSE = "refresh-successor";

/** Whether a stored refresh token has been rotated or revoked. */
function retired(row: RefreshTokenRow): boolean {
  return row.consumed_at !== null || row.revoked_at !== null;
}

function invalidToken(): InvalidGrant {
  return new InvalidGrant("refresh_token is invalid, expired or revoked");
}

/**
 * RFC 9700 §4.14.2: "If a refresh token is compromised and subsequently
 * used by both the attacker and the legitimate client, one of them will
 * present an invalidated refresh token ... The authorization server cannot
 * determine which party submitted the invalid refresh token, but it will
 * revoke the active refresh token."
 */
async function revokeFamily(
  deps: Deps,
  row: RefreshTokenRow,
  now: number,
): Promise<void> {
  await revokeGrant(deps.db, row.grant_id, now);
  deps.log.log("warn", "refresh token reused; family revoked", {
    client_id: row.client_id,
  });
}

/**
 * The scope of the new tokens. RFC 6749 §6: the requested scope "MUST NOT
 * include any scope not originally granted by the resource owner, and if
 * omitted is treated as equal to the scope originally granted". What the
 * client's policy no longer allows is not issued: dropped when the scope is
 * omitted, refused when asked for.
 */
function refreshScopes(
  found: RefreshTokenRow,
  client: Client,
  requestedRaw: string | null,
): string[] {
  // Tokens from before grant_scope was kept carry it in `scope`.
  const granted = splitList(found.grant_scope || found.scope);
  const allowed = client.policy.allowedScopes;
  if (requestedRaw === null) {
    const scopes = granted.filter((s) => allowed.includes(s));
    if (scopes.length === 0) {
      throw new InvalidScope(
        "none of the granted scopes is allowed for this client any more",
      );
    }
    return scopes;
  }
  const requested = [...new Set(splitList(requestedRaw))];
  if (requested.length === 0) throw new InvalidScope("scope must not be empty");
  const widened = requested.filter((s) => !granted.includes(s));
  if (widened.length) {
    throw new InvalidScope(
      `scope exceeds what was granted: ${widened.join(" ")}`,
    );
  }
  const refused = requested.filter((s) => !allowed.includes(s));
  if (refused.length) {
    throw new InvalidScope(
      `scope not allowed for this client: ${refused.join(" ")}`,
    );
  }
  return requested;
}

/**
 * Within the client's reuse grace window, a token that was just rotated
 * answers the successor it was rotated into, as long as that successor is
 * still the live end of the chain: an app that lost the response may retry,
 * and concurrent presentations all get the one successor. Null otherwise.
 */
async function successorWithinGrace(
  deps: Deps,
  row: RefreshTokenRow,
  now: number,
): Promise<TokenResponse | null> {
  if (row.revoked_at !== null || row.successor === null) return null;
  if (row.successor_until === null || now > row.successor_until) return null;
  const opened = await unseal(deps.appSecret, SUCCESSOR_PURPOSE, row.successor);
  if (opened === null) return null;
  const response = JSON.parse(opened) as TokenResponse;
  if (!response.refresh_token) return null;
  const next = await findRefreshToken(deps.db, sha256(response.refresh_token));
  if (!next || retired(next) || next.expires_at <= now) return null;
  return response;
}

/** A retired token presented again: the grace window's answer, or reuse. */
async function presentedAgain(
  deps: Deps,
  row: RefreshTokenRow,
  now: number,
): Promise<TokenResponse> {
  const again = await successorWithinGrace(deps, row, now);
  if (again) return again;
  await revokeFamily(deps, row, now);
  throw invalidToken();
}

export const refreshToken: GrantHandler<"refresh_token"> = {
  grantType: "refresh_token",
  async handle(request, client, deps) {
    const token = request.form.get("refresh_token");
    if (!token) throw new InvalidRequest("refresh_token is required");
    const now = deps.now();
    const hash = sha256(token);
    // The token and its user in one read.
    const presented = await findRefreshTokenAndUser(deps.db, hash);
    // RFC 6749 §6: "validate the refresh token ... was issued to the
    // authenticated client". Checked first, so another client cannot burn
    // someone else's token or revoke its family.
    if (!presented || presented.row.client_id !== client.id) {
      throw new InvalidGrant("refresh_token is invalid");
    }
    const { row: found, user } = presented;
    const scopes = refreshScopes(found, client, request.form.get("scope"));
    if (retired(found)) return await presentedAgain(deps, found, now);
    if (found.expires_at <= now) throw invalidToken();
    if (!user || user.disabled === 1) {
      throw new InvalidGrant(
        "the user of this refresh token is no longer active",
      );
    }
    // RFC 8707 §2.2: a refresh may ask for a token for one (or more) of
    // the grant's resources; the grant itself stays whole.
    const resources = await tokenAudience(
      deps,
      client,
      request.form,
      found.resources,
    );
    const minted = await mintTokens(deps, {
      client,
      user,
      scopes,
      grantID: found.grant_id,
      authTime: found.auth_time,
      sessionID: found.session_id,
      refreshToken: true,
      grantScopes: splitList(found.grant_scope || found.scope),
      authentication: authenticationOf(found),
      audience: resources.audience,
      grantResources: resources.grant,
    }, request.extensions);
    const grace = client.policy.refreshReuseGraceSeconds;
    const successor = grace > 0
      ? await seal(
        deps.appSecret,
        SUCCESSOR_PURPOSE,
        JSON.stringify(minted.response),
      )
      : null;
    // One statement retires the token in the transaction that stores its
    // successor: of concurrent refreshes exactly one gets the row, and a
    // crash in between cannot leave the client with a dead chain.
    const rotated = await rotateRefreshToken(deps.db, {
      tokenHash: hash,
      now,
      successor,
      successorUntil: successor ? now + grace : null,
      accessToken: minted.accessToken,
      refreshToken: minted.refreshToken,
    });
    if (rotated) return minted.response;
    // Lost a race with another presentation of the same token. The winner's
    // rotation committed together with its successor, so that is what the
    // grace window answers, or what revoking reaches: concurrent
    // presentation is reuse (§4.14.2).
    const current = await findRefreshToken(deps.db, hash);
    if (current && retired(current)) {
      return await presentedAgain(deps, current, now);
    }
    throw invalidToken();
  },
};

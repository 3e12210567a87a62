/**
 * grant_type=refresh_token (RFC 6749 §6) with rotation (RFC 9700 §4.14.2):
 * the presented token is retired in one statement and a new one issued in
 * the same family; presenting a retired token again revokes the family.
 * @module
 */
import {
  consumeRefreshToken,
  findRefreshToken,
  revokeGrant,
} from "../../db/tokens.ts";
import { findUserByID } from "../../db/users.ts";
import { sha256 } from "../../security/crypto.ts";
import { splitList } from "../clients.ts";
import { InvalidGrant, InvalidRequest, InvalidScope } from "../errors.ts";
import { issueTokens } from "../tokens.ts";
import type { GrantHandler } from "./mod.ts";

export const refreshToken: GrantHandler = async (deps, client, form) => {
  const token = form.get("refresh_token");
  if (!token) throw new InvalidRequest("refresh_token is required");
  const now = deps.now();
  const hash = sha256(token);
  const found = await findRefreshToken(deps.db, hash);
  // RFC 6749 §6: "validate the refresh token ... was issued to the
  // authenticated client". Checked before consuming, so another client
  // cannot burn someone else's token.
  if (!found || found.client_id !== client.id) {
    throw new InvalidGrant("refresh_token is invalid");
  }
  // RFC 6749 §6: the new scope "MUST NOT include any scope not originally
  // granted"; omitted means the same scope.
  const original = splitList(found.scope);
  const requestedRaw = form.get("scope");
  const scopes = requestedRaw === null ? original : splitList(requestedRaw);
  const widened = scopes.filter((s) => !original.includes(s));
  if (widened.length || scopes.length === 0) {
    throw new InvalidScope(
      widened.length
        ? `scope exceeds what was granted: ${widened.join(" ")}`
        : "scope must not be empty",
    );
  }
  const row = await consumeRefreshToken(deps.db, hash, now);
  if (!row) {
    if (found.consumed_at !== null || found.revoked_at !== null) {
      // RFC 9700 §4.14.2: a rotated token presented again means one of two
      // parties has a stolen copy: revoke the whole family.
      await revokeGrant(deps.db, found.grant_id, now);
      deps.log.log("warn", "refresh token reused; family revoked", {
        client_id: client.id,
      });
    }
    throw new InvalidGrant("refresh_token is invalid, expired or revoked");
  }
  const user = await findUserByID(deps.db, row.user_id);
  if (!user || user.disabled === 1) {
    throw new InvalidGrant(
      "the user of this refresh token is no longer active",
    );
  }
  return await issueTokens(deps, deps.db, {
    client,
    user,
    scopes,
    grantID: row.grant_id,
    authTime: row.auth_time,
    sessionID: row.session_id,
    refreshToken: true,
    idToken: scopes.includes("openid"),
  });
};

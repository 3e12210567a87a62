/**
 * grant_type=refresh_token (RFC 6749 §6) with rotation (RFC 9700 §4.14.2):
 * the presented token is retired in the same transaction that stores its
 * successor; presenting a retired token again - later or concurrently -
 * revokes the whole family.
 * @module
 */
import {
  consumeRefreshToken,
  findRefreshToken,
  revokeGrant,
} from "../../db/tokens.ts";
import type { RefreshTokenRow } from "../../db/schema.ts";
import { findUserByID } from "../../db/users.ts";
import type { Deps } from "../../deps.ts";
import { sha256 } from "../../security/crypto.ts";
import { InvalidGrant, InvalidRequest, InvalidScope } from "../errors.ts";
import { mintTokens } from "../tokens/mint.ts";
import { storeTokens } from "../tokens/store.ts";
import { splitList } from "../vocabulary.ts";
import type { GrantHandler } from "./grant.ts";

/** Whether a stored refresh token has been rotated or revoked. */
function retired(row: RefreshTokenRow): boolean {
  return row.consumed_at !== null || row.revoked_at !== null;
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

export const refreshToken: GrantHandler<"refresh_token"> = {
  grantType: "refresh_token",
  async handle(request, client, deps) {
    const token = request.form.get("refresh_token");
    if (!token) throw new InvalidRequest("refresh_token is required");
    const now = deps.now();
    const hash = sha256(token);
    const found = await findRefreshToken(deps.db, hash);
    // RFC 6749 §6: "validate the refresh token ... was issued to the
    // authenticated client". Checked first, so another client cannot burn
    // someone else's token or revoke its family.
    if (!found || found.client_id !== client.id) {
      throw new InvalidGrant("refresh_token is invalid");
    }
    // RFC 6749 §6: the new scope "MUST NOT include any scope not originally
    // granted"; omitted means the same scope.
    const original = splitList(found.scope);
    const requestedRaw = request.form.get("scope");
    const scopes = requestedRaw === null ? original : splitList(requestedRaw);
    const widened = scopes.filter((s) => !original.includes(s));
    if (widened.length || scopes.length === 0) {
      throw new InvalidScope(
        widened.length
          ? `scope exceeds what was granted: ${widened.join(" ")}`
          : "scope must not be empty",
      );
    }
    if (retired(found)) {
      await revokeFamily(deps, found, now);
      throw new InvalidGrant("refresh_token is invalid, expired or revoked");
    }
    if (found.expires_at <= now) {
      throw new InvalidGrant("refresh_token is invalid, expired or revoked");
    }
    const user = await findUserByID(deps.db, found.user_id);
    if (!user || user.disabled === 1) {
      throw new InvalidGrant(
        "the user of this refresh token is no longer active",
      );
    }
    const minted = await mintTokens(deps, {
      client,
      user,
      scopes,
      grantID: found.grant_id,
      authTime: found.auth_time,
      sessionID: found.session_id,
      refreshToken: true,
    }, request.extensions);
    // One statement retires the token in the transaction that stores its
    // successor: of concurrent refreshes exactly one gets the row, and a
    // crash in between cannot leave the client with a dead chain.
    const rotated = await deps.db.transaction().execute(async (trx) => {
      if (!(await consumeRefreshToken(trx, hash, now))) return false;
      await storeTokens(trx, minted);
      return true;
    });
    if (rotated) return minted.response;
    // Lost a race with another presentation of the same token. The winner's
    // rotation committed together with its successor, so revoking now
    // reaches the successor too: concurrent presentation is reuse (§4.14.2).
    const current = await findRefreshToken(deps.db, hash);
    if (current && retired(current)) await revokeFamily(deps, current, now);
    throw new InvalidGrant("refresh_token is invalid, expired or revoked");
  },
};

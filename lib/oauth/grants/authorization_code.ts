/**
 * grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.5): a code
 * presented by the client it was issued to is consumed in one statement
 * before anything else is checked, so it is single use even under
 * concurrency; a replayed code revokes everything it issued.
 * @module
 */
import { consumeCode, findCode } from "../../db/codes.ts";
import { revokeGrant } from "../../db/tokens.ts";
import { findUserByID } from "../../db/users.ts";
import { sha256 } from "../../security/crypto.ts";
import { InvalidGrant, InvalidRequest } from "../errors.ts";
import { verifyPKCE } from "../pkce.ts";
import { issueTokens } from "../tokens.ts";
import type { GrantHandler } from "./mod.ts";

/** OIDC Core §11 / node-oidc-provider's default: refresh only with offline_access under openid. */
export function refreshTokenAllowed(
  grantTypes: string[],
  scopes: string[],
): boolean {
  if (!grantTypes.includes("refresh_token")) return false;
  return !scopes.includes("openid") || scopes.includes("offline_access");
}

/**
 * The redirect_uri a token request may leave out: only where /authorize
 * could (a single registered URI, outside OIDC), since then the client did
 * not send one there either (RFC 6749 §4.1.3 "if ... included").
 */
function impliedRedirectURI(
  registered: string[],
  scope: string,
): string | null {
  const openid = scope.split(" ").includes("openid");
  return registered.length === 1 && !openid ? registered[0] : null;
}

export const authorizationCode: GrantHandler = async (deps, client, form) => {
  const code = form.get("code");
  if (!code) throw new InvalidRequest("code is required");
  const now = deps.now();
  const codeHash = sha256(code);
  // RFC 6749 §4.1.3: "ensure that the authorization code was issued to the
  // authenticated confidential client, or ... to the public client". Part
  // of the consuming statement: a client holding another client's code
  // (leaked through a log or a Referer) can neither use it nor burn it, so
  // the client it was issued to still redeems it.
  const row = await consumeCode(deps.db, codeHash, client.id, now);
  if (!row) {
    const used = await findCode(deps.db, codeHash);
    // RFC 6749 §4.1.2: "If an authorization code is used more than once, the
    // authorization server MUST deny the request and SHOULD revoke (when
    // possible) all tokens previously issued based on that authorization code."
    if (used && used.client_id === client.id) {
      await revokeGrant(deps.db, used.grant_id, now);
      deps.log.log("warn", "authorization code replayed; grant revoked", {
        client_id: client.id,
      });
    }
    throw new InvalidGrant("code is invalid, expired or already used");
  }
  if (row.expires_at <= now) {
    throw new InvalidGrant("code is invalid, expired or already used");
  }
  // RFC 6749 §4.1.3: "ensure that the redirect_uri parameter is present if
  // ... included in the initial authorization request ... and if included
  // ensure that their values are identical."
  const redirectURI = form.get("redirect_uri") ??
    impliedRedirectURI(client.redirectURIs, row.scope);
  if (redirectURI !== row.redirect_uri) {
    throw new InvalidGrant(
      "redirect_uri does not match the one used at the authorization endpoint",
    );
  }
  verifyPKCE(form.get("code_verifier"), row.code_challenge);
  const user = await findUserByID(deps.db, row.user_id);
  if (!user || user.disabled === 1) {
    throw new InvalidGrant("the user of this code is no longer active");
  }
  const scopes = row.scope.split(" ").filter(Boolean);
  return await issueTokens(deps, deps.db, {
    client,
    user,
    scopes,
    grantID: row.grant_id,
    authTime: row.auth_time,
    sessionID: row.session_id,
    nonce: row.nonce,
    refreshToken: refreshTokenAllowed(client.grantTypes, scopes),
    idToken: scopes.includes("openid"),
  });
};

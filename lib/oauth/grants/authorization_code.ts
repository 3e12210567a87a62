/**
 * grant_type=authorization_code (RFC 6749 §4.1.3, RFC 7636 §4.5): a code
 * presented by the client it was issued to is checked, then consumed in the
 * same transaction that stores its tokens, so it is single use even under
 * concurrency and a replay (also one racing the first exchange) revokes
 * everything it issued; a failed attempt burns it.
 * @module
 */
import { consumeCode, findCode } from "../../db/codes.ts";
import { revokeGrant } from "../../db/tokens.ts";
import { findUserByID } from "../../db/users.ts";
import type { Deps } from "../../deps.ts";
import { sha256 } from "../../security/crypto.ts";
import { InvalidGrant, InvalidRequest } from "../errors.ts";
import { verifyPKCE } from "../pkce.ts";
import { tokenAudience } from "../resources.ts";
import {
  type Authentication,
  mayIssueRefreshToken,
  mintTokens,
} from "../tokens/mint.ts";
import { storeTokens } from "../tokens/store.ts";
import { splitList } from "../vocabulary.ts";
import type { GrantHandler } from "./grant.ts";

/**
 * The redirect_uri a token request may leave out: only where /authorize
 * could (a single registered URI, outside OIDC), since then the client did
 * not send one there either (RFC 6749 §4.1.3 "if ... included").
 */
function impliedRedirectURI(
  registered: string[],
  scope: string,
): string | null {
  const openid = splitList(scope).includes("openid");
  return registered.length === 1 && !openid ? registered[0] : null;
}

/** What the code (or refresh token) recorded about the sign-in. */
export function authenticationOf(
  row: { amr: string; acr: string | null },
): Authentication {
  return { amr: splitList(row.amr), acr: row.acr };
}

function codeInvalid(): InvalidGrant {
  return new InvalidGrant("code is invalid, expired or already used");
}

/**
 * RFC 6749 §4.1.2: "If an authorization code is used more than once, the
 * authorization server MUST deny the request and SHOULD revoke (when
 * possible) all tokens previously issued based on that authorization code."
 */
async function revokeReplayed(
  deps: Deps,
  grantID: string,
  clientID: string,
  now: number,
): Promise<InvalidGrant> {
  await revokeGrant(deps.db, grantID, now);
  deps.log.log("warn", "authorization code replayed; grant revoked", {
    client_id: clientID,
  });
  return codeInvalid();
}

export const authorizationCode: GrantHandler<"authorization_code"> = {
  grantType: "authorization_code",
  async handle(request, client, deps) {
    const { form } = request;
    const code = form.get("code");
    if (!code) throw new InvalidRequest("code is required");
    const now = deps.now();
    const codeHash = sha256(code);
    const row = await findCode(deps.db, codeHash);
    // RFC 6749 §4.1.3: "ensure that the authorization code was issued to the
    // authenticated confidential client, or ... to the public client". A
    // client holding another client's code (leaked through a log or a
    // Referer) can neither use it nor burn it, so the client it was issued
    // to still redeems it.
    if (!row || row.client_id !== client.id) throw codeInvalid();
    if (row.consumed_at !== null) {
      throw await revokeReplayed(deps, row.grant_id, client.id, now);
    }
    // A failed attempt burns the code: whoever holds it gets one try.
    const burn = async (err: Error): Promise<Error> => {
      await consumeCode(deps.db, codeHash, client.id, now);
      return err;
    };
    if (row.expires_at <= now) throw await burn(codeInvalid());
    // RFC 6749 §4.1.3: "ensure that the redirect_uri parameter is present if
    // ... included in the initial authorization request ... and if included
    // ensure that their values are identical."
    const redirectURI = form.get("redirect_uri") ??
      impliedRedirectURI(client.redirectURIs, row.scope);
    if (redirectURI !== row.redirect_uri) {
      throw await burn(
        new InvalidGrant(
          "redirect_uri does not match the one used at the authorization endpoint",
        ),
      );
    }
    try {
      verifyPKCE(form.get("code_verifier"), row.code_challenge);
    } catch (err) {
      throw await burn(err as Error);
    }
    const user = await findUserByID(deps.db, row.user_id);
    if (!user || user.disabled === 1) {
      throw await burn(
        new InvalidGrant("the user of this code is no longer active"),
      );
    }
    // RFC 8707 §2.2: the token request may name resources of the grant.
    let resources;
    try {
      resources = await tokenAudience(deps, client, form, row.resources);
    } catch (err) {
      throw await burn(err as Error);
    }
    const scopes = splitList(row.scope);
    const minted = await mintTokens(deps, {
      client,
      user,
      scopes,
      grantID: row.grant_id,
      authTime: row.auth_time,
      sessionID: row.session_id,
      nonce: row.nonce,
      refreshToken: mayIssueRefreshToken(client, scopes, request.extensions),
      authentication: authenticationOf(row),
      audience: resources.audience,
      grantResources: resources.grant,
    }, request.extensions);
    // The code is consumed in the transaction that stores its tokens: of
    // concurrent exchanges exactly one commits, and a replay that arrives
    // while the first is still signing finds the tokens to revoke.
    const stored = await deps.db.transaction().execute(async (trx) => {
      if (!(await consumeCode(trx, codeHash, client.id, now))) return false;
      await storeTokens(trx, minted);
      return true;
    });
    if (stored) return minted.response;
    // Lost to another presentation of the same code, which committed its
    // tokens with the consumption: the code was used twice.
    throw await revokeReplayed(deps, row.grant_id, client.id, now);
  },
};

/**
 * grant_type=client_credentials (RFC 6749 §4.4): confidential clients only,
 * scope within the client's policy, no refresh token (§4.4.3), no ID token.
 * @module
 */
import { splitList } from "../vocabulary.ts";
import { InvalidScope, UnauthorizedClient } from "../errors.ts";
import { issueTokens } from "../tokens.ts";
import type { GrantHandler } from "./mod.ts";

/** User-bound scopes make no sense without a user. */
const USER_SCOPES = new Set(["openid", "offline_access"]);

export const clientCredentials: GrantHandler = async (deps, client, form) => {
  // RFC 6749 §4.4.2: "The client credentials grant type MUST only be used by
  // confidential clients."
  if (client.isPublic) {
    throw new UnauthorizedClient(
      "public clients cannot use client_credentials",
    );
  }
  const raw = form.get("scope");
  const allowed = client.policy.allowedScopes.filter((s) =>
    !USER_SCOPES.has(s)
  );
  const scopes = raw === null
    ? client.policy.defaultScopes.filter((s) => !USER_SCOPES.has(s))
    : [...new Set(splitList(raw))];
  const refused = scopes.filter((s) => !allowed.includes(s));
  if (refused.length) {
    throw new InvalidScope(
      `scope not allowed for this client: ${refused.join(" ")}`,
    );
  }
  return await issueTokens(deps, deps.db, {
    client,
    user: null,
    scopes,
    grantID: null,
    refreshToken: false,
    idToken: false,
  });
};

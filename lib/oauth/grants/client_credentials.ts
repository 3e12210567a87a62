/**
 * grant_type=client_credentials (RFC 6749 §4.4): a confidential client
 * (the endpoint enforces §4.4.2 from the vocabulary) acting for itself:
 * scope within its policy, no refresh token (§4.4.3), no user.
 * @module
 */
import { InvalidScope } from "../errors.ts";
import {
  checkScopesForResources,
  requestedResources,
  resourceValues,
} from "../resources.ts";
import { mintTokens } from "../tokens/mint.ts";
import { storeTokens } from "../tokens/store.ts";
import { splitList } from "../vocabulary.ts";
import type { GrantHandler } from "./grant.ts";

/** User-bound scopes make no sense without a user. */
const USER_SCOPES = new Set(["openid", "offline_access"]);

export const clientCredentials: GrantHandler<"client_credentials"> = {
  grantType: "client_credentials",
  async handle(request, client, deps) {
    const raw = request.form.get("scope");
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
    // RFC 8707 §2: the APIs the client wants a token for, checked like at
    // /authorize; its scopes narrowed to what they define.
    const audience = await requestedResources(
      deps,
      client,
      resourceValues(request.form),
    );
    if (raw !== null) await checkScopesForResources(deps, scopes, audience);
    const minted = await mintTokens(deps, {
      client,
      user: null,
      scopes,
      grantID: null,
      refreshToken: false,
      audience,
    }, request.extensions);
    // One row is one statement, atomic by itself: no transaction, so on
    // SQLite it runs without Kysely's queue.
    await storeTokens(deps.db, minted);
    return minted.response;
  },
};

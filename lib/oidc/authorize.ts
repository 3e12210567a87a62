/**
 * OpenID Connect's checks of the authorization request, run after the
 * OAuth 2.0 ones (composed in lib/provider.ts).
 * @module
 */
import type { AuthorizeCheck } from "../oauth/authorize/checks.ts";
import { InvalidRequest } from "../oauth/errors.ts";
import { verifyIDTokenHint } from "./id_token.ts";

/**
 * OIDC Core §3.1.2.1: id_token_hint is an "ID Token previously issued by
 * the Authorization Server" about the End-User's session "with the
 * Client": one we signed (expired is fine) and issued to this client. The
 * user it names decides whether the current session may answer silently
 * (lib/oauth/authorize/interaction.ts). It is not carried into the sign-in
 * form: whoever signs in there is the answer.
 */
export const checkIDTokenHint: AuthorizeCheck = async (ctx) => {
  const hints = ctx.params.getAll("id_token_hint");
  if (hints.length === 0 || hints[0] === "") return;
  if (hints.length > 1) {
    throw new InvalidRequest("id_token_hint must not be repeated");
  }
  let verified;
  try {
    verified = await verifyIDTokenHint(ctx.deps, hints[0]);
  } catch {
    throw new InvalidRequest(
      "id_token_hint is not an id token issued by this server",
    );
  }
  if (verified.clientID !== ctx.client?.id) {
    throw new InvalidRequest("id_token_hint was issued to another client");
  }
  ctx.hintedUserID = verified.userID;
};

/**
 * OIDC Core §3.1.2.1 acr_values: "Requested Authentication Context Class
 * Reference values. Space-separated string that specifies the acr values
 * that the Authorization Server is being requested to use for processing
 * this Authentication Request, with the values appearing in order of
 * preference." It asks for acr as a voluntary claim: values this server
 * does not define (discovery's acr_values_supported lists ours) are passed
 * over, and when none is ours the request succeeds without an `acr` in the
 * ID token (lib/accounts/factors/levels.ts answeredACR). Of ours, the
 * session must reach one (lib/oauth/authorize/interaction.ts).
 */
export const checkACRValues: AuthorizeCheck = (ctx) => {
  const raw = ctx.params.get("acr_values");
  if (raw === null || raw.trim() === "") return;
  ctx.acrValues = [...new Set(raw.split(" ").filter(Boolean))].slice(0, 20);
};

/** The OpenID Connect checks, in the order they run. */
export const OIDC_AUTHORIZE_CHECKS: readonly AuthorizeCheck[] = [
  checkIDTokenHint,
  checkACRValues,
];

/**
 * The authorization request once every check has passed (RFC 6749 §4.1.1,
 * OIDC Core §3.1.2.1), and where its answer goes.
 * @module
 */
import type { Client } from "../clients/client.ts";
import type { Resource } from "../resources.ts";
import type { Prompt, ResponseMode } from "../vocabulary.ts";

/** Parameters carried from /authorize through the login and consent forms. */
export const AUTHORIZATION_PARAMS = [
  "client_id",
  "redirect_uri",
  "response_type",
  "response_mode",
  "scope",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
  "prompt",
  "max_age",
  "login_hint",
  "ui_locales",
  "acr_values",
  "resource",
] as const;

/**
 * RFC 8707 §2: "Multiple resource parameters MAY be used"; kept through the
 * forms as one value, space-separated.
 */
export const REPEATABLE_PARAMS: ReadonlySet<string> = new Set(["resource"]);

/** A verified redirect URI and how to answer there (RFC 6749 §4.1.2). */
export interface ResponseTarget {
  redirectURI: string;
  responseMode: ResponseMode;
  state: string | null;
}

export interface AuthorizationRequest extends ResponseTarget {
  client: Client;
  scopes: string[];
  nonce: string | null;
  codeChallenge: string | null;
  prompt: Set<Prompt>;
  maxAge: number | null;
  loginHint: string | null;
  /** The user an id_token_hint names (OIDC Core §3.1.2.1), if one was sent. */
  hintedUserID: string | null;
  /**
   * The authentication context classes asked for (acr_values), in order,
   * ours or not (lib/accounts/factors/levels.ts knows which are ours).
   */
  acrValues: string[];
  /** RFC 8707: the protected resources the tokens will be for. */
  resources: Resource[];
  /** The validated parameters, for the hidden fields of the next form. */
  params: Record<string, string>;
}

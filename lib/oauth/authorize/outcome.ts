/**
 * What one /authorize request comes to: an answer sent to the client's
 * redirect URI (a code, or an error), a page (sign-in, consent, error), and
 * the session cookie a sign-in issued. lib/oauth/authorize/writer.ts turns
 * it into the response.
 * @module
 */
import type { ACR } from "../../accounts/factors/levels.ts";
import type { PasskeyOffer } from "../../accounts/webauthn/offer.ts";
import type { ScopeRow, UserRow } from "../../db/schema.ts";
import type { Message } from "../../i18n/messages.ts";
import type { OAuthError } from "../errors.ts";
import type { AuthorizationRequest, ResponseTarget } from "./request.ts";

export interface LoginPage {
  request: AuthorizationRequest;
  status: number;
  error?: Message;
  username?: string;
  retryAfter?: number;
  /** Sign in with a passkey instead (discoverable credentials, autofill). */
  passkey?: PasskeyOffer;
}

/**
 * The signed-in session lacks the authentication level the request needs
 * (the client's "second factor required", or acr_values): the user proves
 * a second factor, or a passkey when only a phishing-resistant one will do.
 */
export interface SecondFactorPage {
  request: AuthorizationRequest;
  user: UserRow;
  status: number;
  /** The class the request needs. */
  required: ACR;
  /** Which ways of reaching it the user has set up. */
  methods: { totp: boolean; recoveryCode: boolean; passkey: boolean };
  /** Set when `methods.passkey`: the assertion, limited to the user's passkeys. */
  passkey?: PasskeyOffer;
  error?: Message;
  retryAfter?: number;
}

/** "Forgot password?" inside the flow: the form, or its answer. */
export interface ForgotPasswordPage {
  request: AuthorizationRequest;
  status: number;
  /** The request was taken: "if an account matches, a link is on its way". */
  sent?: boolean;
  identifier?: string;
  error?: Message;
  retryAfter?: number;
}

/** Account creation inside the flow ("create an account", prompt=create). */
export interface RegisterPage {
  request: AuthorizationRequest;
  status: number;
  values: { username?: string; email?: string; invite?: string };
  /** Field name -> what is wrong; `""` is about the whole form. */
  errors: Record<string, Message>;
  retryAfter?: number;
}

/** The admin asked for a new password at this sign-in. */
export interface ChangePasswordPage {
  request: AuthorizationRequest;
  status: number;
  /** Proves the password was just given (lib/accounts/sign_in_gates.ts). */
  ticket: string;
  username: string;
  error?: Message;
}

/** A message with a way back to the sign-in form (check your mail, …). */
export interface AccountNoticePage {
  request: AuthorizationRequest;
  status: number;
  title: Message;
  message: Message;
}

export interface ConsentPage {
  request: AuthorizationRequest;
  user: UserRow;
  scopes: ScopeRow[];
}

export interface SelectAccountPage {
  request: AuthorizationRequest;
  /** The account signed in now. */
  user: UserRow;
}

export type AuthorizeOutcome =
  /** RFC 6749 §4.1.2 / §4.1.2.1: `code`, or `error`, to the client. */
  | { kind: "redirect"; target: ResponseTarget; values: Record<string, string> }
  | ({ kind: "login" } & LoginPage)
  | ({ kind: "consent" } & ConsentPage)
  | ({ kind: "select_account" } & SelectAccountPage)
  | ({ kind: "second_factor" } & SecondFactorPage)
  | ({ kind: "forgot_password" } & ForgotPasswordPage)
  | ({ kind: "register" } & RegisterPage)
  | ({ kind: "change_password" } & ChangePasswordPage)
  | ({ kind: "account_notice" } & AccountNoticePage)
  /** Nowhere safe to redirect: shown on a page. */
  | { kind: "error"; error: OAuthError };

export interface AuthorizeAnswer {
  outcome: AuthorizeOutcome;
  /** A session cookie value to set (a sign-in happened), or null. */
  newSession: string | null;
  /** The device cookie value to set with it (lib/security/device_cookie.ts). */
  newDevice?: string | null;
}

/** The client's answer carrying `error` (RFC 6749 §4.1.2.1). */
export function errorRedirect(
  target: ResponseTarget,
  error: OAuthError,
): AuthorizeOutcome {
  return {
    kind: "redirect",
    target,
    values: { error: error.code, error_description: error.description },
  };
}

/**
 * Signing in to the account pages themselves (/account/login): the
 * password (lib/users.ts signIn, with its budgets and device cookies) or a
 * passkey, starting a user session like /authorize does. A minimal page
 * until the /account shell has its own; the second factor, when the
 * account has one, is asked by /account/security itself.
 * @module
 */
import type { Deps } from "../../deps.ts";
import { signIn } from "../../users.ts";
import {
  serverRelyingParty,
  verifyPasskeyAssertion,
} from "../webauthn/passkeys.ts";
import { PASSWORD_AMR } from "./levels.ts";
import { type BrowserContext, startSession } from "./session_steps.ts";

export const ACCOUNT_LOGIN_PATH = "/account/login";

/** Where a sign-in may lead afterwards: our own /account pages only. */
export function safeNext(next: string | null | undefined): string {
  return next && /^\/account(\/[A-Za-z0-9_-]+)*$/.test(next)
    ? next
    : "/account/security";
}

export interface AccountSignInInput extends BrowserContext {
  form: URLSearchParams;
  deviceCookie?: string;
}

export type AccountSignInResult =
  | { ok: true; token: string; device?: string }
  | {
    ok: false;
    status: number;
    error: string;
    username: string;
    retryAfter?: number;
  };

const LIMITED = "Too many failed sign-in attempts. Try again later.";

export async function accountSignIn(
  deps: Deps,
  input: AccountSignInInput,
): Promise<AccountSignInResult> {
  const { form } = input;
  const username = (form.get("username") ?? "").slice(0, 200);
  if (form.get("_action") === "passkey") {
    const rp = serverRelyingParty(deps);
    if (!rp.available) {
      return { ok: false, status: 400, error: rp.reason, username };
    }
    const result = await verifyPasskeyAssertion(
      deps,
      rp,
      form.get("passkey_response") ?? "",
      { ip: input.ip },
    );
    if (!result.ok) {
      const limited = result.reason === "limited";
      return {
        ok: false,
        status: limited ? 429 : 401,
        error: limited ? LIMITED : "That passkey could not be verified.",
        username,
        retryAfter: result.retryAfter,
      };
    }
    const step = await startSession(deps, input, result.user, result.amr);
    return { ok: true, token: step.token };
  }
  const result = await signIn(
    deps,
    username,
    form.get("password") ?? "",
    input.ip,
    { deviceCookie: input.deviceCookie },
  );
  if (!result.ok) {
    const limited = result.reason === "limited";
    return {
      ok: false,
      status: limited ? 429 : 401,
      error: limited ? LIMITED : "The username or password is incorrect.",
      username,
      retryAfter: result.retryAfter,
    };
  }
  const step = await startSession(deps, input, result.user, PASSWORD_AMR);
  return { ok: true, token: step.token, device: result.deviceCookie };
}

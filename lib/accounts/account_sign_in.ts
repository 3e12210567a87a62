/**
 * Signing in to the account pages themselves (/account/login): the
 * password (lib/users.ts signIn, with its failure budgets and device
 * cookies) or a passkey, then the same gates as /authorize (a new password
 * the admin asked for, a verification the account waits for), then a user
 * session. The second factor, when the account has one, is asked by the
 * pages that change sign-in settings (/account/security).
 * @module
 */
import type { UserRow } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import { type Message, message } from "../i18n/messages.ts";
import { signIn } from "../users.ts";
import { PASSWORD_AMR } from "./factors/levels.ts";
import { type BrowserContext, startSession } from "./factors/session_steps.ts";
import {
  serverRelyingParty,
  verifyPasskeyAssertion,
} from "./webauthn/passkeys.ts";
import {
  completeForcedChange,
  signInFailure,
  signInGate,
  verifyFirstMessage,
} from "./sign_in_gates.ts";

export interface AccountSignInInput extends BrowserContext {
  form: URLSearchParams;
  deviceCookie?: string;
}

export type AccountSignInResult =
  | { kind: "signed_in"; token: string; device?: string }
  | {
    kind: "form";
    status: number;
    error?: Message;
    username?: string;
    retryAfter?: number;
  }
  | {
    kind: "change_password";
    status: number;
    ticket: string;
    username: string;
    error?: Message;
  }
  | { kind: "notice"; status: number; title: Message; message: Message };

/** The answer to a post of the account sign-in page. */
export async function accountSignIn(
  deps: Deps,
  input: AccountSignInInput,
): Promise<AccountSignInResult> {
  const { form } = input;
  if (form.get("_action") === "change_password") {
    const changed = await completeForcedChange(
      deps,
      form.get("ticket"),
      form.get("new_password") ?? "",
      form.get("confirm_password") ?? "",
      input.ip,
    );
    if (changed.ok) {
      const started = await startSession(
        deps,
        input,
        changed.user,
        PASSWORD_AMR,
      );
      return { kind: "signed_in", token: started.token };
    }
    return changed.reason === "expired"
      ? {
        kind: "form",
        status: 401,
        error: message("sign_in.error.change_expired"),
      }
      : {
        kind: "change_password",
        status: 400,
        ticket: form.get("ticket") ?? "",
        username: changed.username,
        error: changed.message,
      };
  }
  const username = (form.get("username") ?? "").slice(0, 200);
  if (form.get("_action") === "passkey") {
    return await passkeySignIn(deps, input, username);
  }
  const result = await signIn(
    deps,
    username,
    form.get("password") ?? "",
    input.ip,
    { deviceCookie: input.deviceCookie },
  );
  if (!result.ok) {
    return {
      kind: "form",
      ...signInFailure(result.reason),
      username,
      retryAfter: result.retryAfter,
    };
  }
  const gated = await gate(deps, result.user, input.ip);
  if (gated) return gated;
  const started = await startSession(deps, input, result.user, PASSWORD_AMR);
  return {
    kind: "signed_in",
    token: started.token,
    device: result.deviceCookie,
  };
}

/** A passkey assertion signs its owner in, no username asked. */
async function passkeySignIn(
  deps: Deps,
  input: AccountSignInInput,
  username: string,
): Promise<AccountSignInResult> {
  const rp = serverRelyingParty(deps);
  if (!rp.available) {
    return { kind: "form", status: 400, error: rp.reason, username };
  }
  const result = await verifyPasskeyAssertion(
    deps,
    rp,
    input.form.get("passkey_response") ?? "",
    { ip: input.ip },
  );
  if (!result.ok) {
    return result.reason === "limited"
      ? {
        kind: "form",
        ...signInFailure("limited"),
        username,
        retryAfter: result.retryAfter,
      }
      : {
        kind: "form",
        status: 401,
        error: message("sign_in.error.passkey"),
        username,
      };
  }
  const gated = await gate(deps, result.user, input.ip);
  if (gated) return gated;
  const started = await startSession(deps, input, result.user, result.amr);
  return { kind: "signed_in", token: started.token };
}

/** The page a right credential still leads to, or null to sign in. */
async function gate(
  deps: Deps,
  user: UserRow,
  ip: string | null,
): Promise<AccountSignInResult | null> {
  const gate = await signInGate(deps, user, ip);
  if (gate.kind === "verify_email") {
    return {
      kind: "notice",
      status: 403,
      title: message("sign_in.verify_first.title"),
      message: verifyFirstMessage(gate.email),
    };
  }
  if (gate.kind === "change_password") {
    return {
      kind: "change_password",
      status: 200,
      ticket: gate.ticket,
      username: user.username,
    };
  }
  return null;
}

/**
 * Signing in to the account pages themselves (/account/login): the
 * password (lib/users.ts signIn, with its failure budgets and device
 * cookies), then the same gates as /authorize (a new password the admin
 * asked for, a verification the account waits for), then a user session.
 * @module
 */
import type { Deps } from "../deps.ts";
import { signIn } from "../users.ts";
import { type BrowserContext, startUserSession } from "./session_start.ts";
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
    error?: string;
    username?: string;
    retryAfter?: number;
  }
  | {
    kind: "change_password";
    status: number;
    ticket: string;
    username: string;
    error?: string;
  }
  | { kind: "notice"; status: number; title: string; message: string };

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
      const started = await startUserSession(deps, input, changed.user);
      return { kind: "signed_in", token: started.token };
    }
    return changed.reason === "expired"
      ? {
        kind: "form",
        status: 401,
        error: "That took too long. Sign in again to set your new password.",
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
  const gate = await signInGate(deps, result.user, input.ip);
  if (gate.kind === "verify_email") {
    return {
      kind: "notice",
      status: 403,
      title: "Confirm your email address",
      message: verifyFirstMessage(gate.email),
    };
  }
  if (gate.kind === "change_password") {
    return {
      kind: "change_password",
      status: 200,
      ticket: gate.ticket,
      username: result.user.username,
    };
  }
  const started = await startUserSession(deps, input, result.user);
  return {
    kind: "signed_in",
    token: started.token,
    device: result.deviceCookie,
  };
}

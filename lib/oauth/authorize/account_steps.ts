/**
 * The account steps a form on /authorize posts besides signing in, one per
 * `_action`: "forgot password?" (`forgot_password` shows the form,
 * `send_reset` takes it), "create an account" and prompt=create
 * (`create_account` shows the form, `register` takes it), and the new
 * password an admin asked for at this sign-in (`change_password`). Each
 * answers a page, or the session it started so the flow goes on (a new
 * account, a changed password). The gates a right password still meets
 * (verify the address first, change the password first) are here too.
 * @module
 */
import { requestPasswordReset } from "../../accounts/recovery.ts";
import { register } from "../../accounts/registration.ts";
import {
  completeForcedChange,
  signInGate,
  verifyFirstMessage,
} from "../../accounts/sign_in_gates.ts";
import { registrationOpen } from "../../config.ts";
import type { UserRow } from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import { message } from "../../i18n/messages.ts";
import { PASSWORD_AMR } from "../../accounts/factors/levels.ts";
import { startSession } from "../../accounts/factors/session_steps.ts";
import type { AuthorizeOutcome, RegisterPage } from "./outcome.ts";
import type { AuthorizationRequest } from "./request.ts";
import type { SignInStep, StepResult } from "./sign_in.ts";

/** One step, for the `_action` it answers (the sign-in steps' shape). */
export type AccountStep = SignInStep;

/** The page a right password still leads to, or null to sign in. */
export async function gateOutcome(
  deps: Deps,
  request: AuthorizationRequest,
  user: UserRow,
  ip: string | null,
): Promise<AuthorizeOutcome | null> {
  const gate = await signInGate(deps, user, ip);
  switch (gate.kind) {
    case "open":
      return null;
    case "verify_email":
      return {
        kind: "account_notice",
        request,
        status: 403,
        title: message("sign_in.verify_first.title"),
        message: verifyFirstMessage(gate.email),
      };
    case "change_password":
      return {
        kind: "change_password",
        request,
        status: 200,
        ticket: gate.ticket,
        username: user.username,
      };
  }
}

function page(outcome: AuthorizeOutcome): StepResult {
  return { ok: false, outcome };
}

function registerPage(
  request: AuthorizationRequest,
  fields: Omit<RegisterPage, "request">,
): StepResult {
  return page({ kind: "register", request, ...fields });
}

/** An invitation code, or the whole link it came in. */
function inviteToken(value: string | null): string | null {
  if (!value) return null;
  const m = value.match(/[?&]invite=([A-Za-z0-9_-]{43})\b/);
  return m ? m[1] : value.trim();
}

const forgotForm: AccountStep = (_deps, request) =>
  Promise.resolve(page({ kind: "forgot_password", request, status: 200 }));

const sendReset: AccountStep = async (deps, request, input) => {
  const identifier = (input.params.get("identifier") ?? "").slice(0, 254);
  const result = await requestPasswordReset(
    deps,
    identifier,
    input.ip,
    input.locale,
  );
  if (result.ok) {
    return page({
      kind: "forgot_password",
      request,
      status: 200,
      sent: true,
    });
  }
  return page({
    kind: "forgot_password",
    request,
    identifier,
    ...(result.reason === "limited"
      ? {
        status: 429,
        error: message("forgot.limited"),
        retryAfter: result.retryAfter,
      }
      : { status: 404 }),
  });
};

const registerForm: AccountStep = (deps, request, input) =>
  Promise.resolve(registerPage(request, {
    status: registrationOpen(deps.config.registration) ? 200 : 404,
    values: { invite: inviteToken(input.params.get("invite")) ?? undefined },
    errors: {},
  }));

const registerAccount: AccountStep = async (deps, request, input) => {
  const values = {
    username: (input.params.get("username") ?? "").slice(0, 200),
    email: (input.params.get("email") ?? "").slice(0, 254),
    invite: inviteToken(input.params.get("invite")) ?? undefined,
  };
  const result = await register(deps, {
    ...values,
    password: input.params.get("password") ?? "",
    locale: input.locale,
  }, input.ip);
  if (!result.ok) {
    return registerPage(request, {
      status: result.status,
      values,
      errors: result.errors,
      retryAfter: result.retryAfter,
    });
  }
  if (!result.canSignIn) {
    return page({
      kind: "account_notice",
      request,
      status: 200,
      title: message("register.check_mail.title"),
      message: message("register.check_mail", {
        username: result.user.username,
        email: values.email,
      }),
    });
  }
  return {
    ok: true,
    ...await startSession(deps, input, result.user, PASSWORD_AMR),
    fresh: true,
  };
};

const changePassword: AccountStep = async (deps, request, input) => {
  const result = await completeForcedChange(
    deps,
    input.params.get("ticket"),
    input.params.get("new_password") ?? "",
    input.params.get("confirm_password") ?? "",
    input.ip,
  );
  if (result.ok) {
    return {
      ok: true,
      ...await startSession(deps, input, result.user, PASSWORD_AMR),
      fresh: true,
    };
  }
  if (result.reason === "expired") {
    return page({
      kind: "login",
      request,
      status: 401,
      error: message("sign_in.error.change_expired"),
    });
  }
  return page({
    kind: "change_password",
    request,
    status: 400,
    ticket: input.params.get("ticket") ?? "",
    username: result.username,
    error: result.message,
  });
};

/** "Back to sign in" from the other steps. */
const signInForm: AccountStep = (_deps, request) =>
  Promise.resolve(page({ kind: "login", request, status: 200 }));

/** Every account step, by the `_action` its form posts. */
export const ACCOUNT_STEPS: Readonly<Record<string, AccountStep>> = {
  sign_in: signInForm,
  forgot_password: forgotForm,
  send_reset: sendReset,
  create_account: registerForm,
  register: registerAccount,
  change_password: changePassword,
};

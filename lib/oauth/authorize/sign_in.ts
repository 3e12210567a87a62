/**
 * The authentication steps a form on /authorize posts, one per `_action`:
 * a password (`login`), a passkey assertion (`passkey`: a sign-in on its
 * own, or a second factor for the signed-in user), and the second factors
 * a password session steps up with (`totp`, `recovery_code`). Each answers
 * the session it leaves (a new one for a sign-in: a new id stops session
 * fixation; the same id with a new secret after a second factor), or the
 * page again with the reason.
 * @module
 */
import { PASSWORD_AMR } from "../../accounts/factors/levels.ts";
import {
  type FactorMethod,
  verifySecondFactor,
} from "../../accounts/factors/second_factor.ts";
import {
  serverRelyingParty,
  verifyPasskeyAssertion,
} from "../../accounts/webauthn/passkeys.ts";
import {
  startSession,
  stepUpSession,
} from "../../accounts/factors/session_steps.ts";
import type { Deps } from "../../deps.ts";
import { type Message, message } from "../../i18n/messages.ts";
import { signIn } from "../../users.ts";
import { signInFailure } from "../../accounts/sign_in_gates.ts";
import { gateOutcome } from "./account_steps.ts";
import type { AuthorizeInput } from "./endpoint.ts";
import { secondFactorOutcome, type UserSession } from "./interaction.ts";
import type { AuthorizeOutcome } from "./outcome.ts";
import type { AuthorizationRequest } from "./request.ts";

export type StepResult =
  | {
    ok: true;
    current: UserSession;
    /** The session cookie to set. */
    token: string;
    /** A device cookie to set (password sign-ins). */
    device?: string;
    /** A whole sign-in happened (satisfies prompt=login / max_age). */
    fresh: boolean;
  }
  | { ok: false; outcome: AuthorizeOutcome };

/** One authentication step, for the `_action` it answers. */
export type SignInStep = (
  deps: Deps,
  request: AuthorizationRequest,
  input: AuthorizeInput,
  current: UserSession | null,
) => Promise<StepResult>;

const LIMITED = message("factor.error.limited");

/** Username and password. */
export const passwordStep: SignInStep = async (deps, request, input) => {
  const username = input.params.get("username") ?? "";
  const result = await signIn(
    deps,
    username,
    input.params.get("password") ?? "",
    input.ip,
    { deviceCookie: input.deviceCookie, clientID: request.client.id },
  );
  if (!result.ok) {
    return {
      ok: false,
      outcome: {
        kind: "login",
        request,
        ...signInFailure(result.reason),
        username,
        retryAfter: result.retryAfter,
      },
    };
  }
  const gate = await gateOutcome(deps, request, result.user, input.ip);
  if (gate) return { ok: false, outcome: gate };
  const session = await startSession(deps, input, result.user, PASSWORD_AMR);
  return { ok: true, ...session, device: result.deviceCookie, fresh: true };
};

/**
 * A passkey assertion: for the signed-in user it is added to the session
 * (their second factor); otherwise it signs its owner in, no username
 * asked.
 */
export const passkeyStep: SignInStep = async (
  deps,
  request,
  input,
  current,
) => {
  const rp = serverRelyingParty(deps);
  const failed = async (
    status: number,
    error: Message,
    retryAfter?: number,
  ): Promise<StepResult> => ({
    ok: false,
    outcome: current
      ? await secondFactorOutcome(deps, request, current, input.requestURL, {
        status,
        error,
        retryAfter,
      })
      : { kind: "login", request, status, error, retryAfter },
  });
  if (!rp.available) return await failed(400, rp.reason);
  const result = await verifyPasskeyAssertion(
    deps,
    rp,
    input.params.get("passkey_response") ?? "",
    { ip: input.ip, clientID: request.client.id },
  );
  if (!result.ok) {
    return result.reason === "limited"
      ? await failed(429, LIMITED, result.retryAfter)
      : await failed(
        401,
        message("sign_in.error.passkey_retry"),
      );
  }
  if (current && current.user.id === result.user.id) {
    const raised = await stepUpSession(deps, current, result.amr);
    if (raised) return { ok: true, ...raised, fresh: true };
  }
  const gate = await gateOutcome(deps, request, result.user, input.ip);
  if (gate) return { ok: false, outcome: gate };
  const session = await startSession(deps, input, result.user, result.amr);
  return { ok: true, ...session, fresh: true };
};

/** A TOTP or recovery code for the signed-in user. */
function codeStep(method: FactorMethod): SignInStep {
  return async function secondFactorStep(deps, request, input, current) {
    if (!current) {
      return { ok: false, outcome: { kind: "login", request, status: 200 } };
    }
    const result = await verifySecondFactor(
      deps,
      current.user,
      method,
      input.params.get("code") ?? "",
      { ip: input.ip, context: "sign_in", clientID: request.client.id },
    );
    const raised = result.ok
      ? await stepUpSession(deps, current, result.amr)
      : null;
    if (raised) return { ok: true, ...raised, fresh: false };
    const limited = !result.ok && result.reason === "limited";
    return {
      ok: false,
      outcome: await secondFactorOutcome(
        deps,
        request,
        current,
        input.requestURL,
        {
          status: limited ? 429 : 401,
          error: limited
            ? LIMITED
            : method === "totp"
            ? message("sign_in.error.totp")
            : message("sign_in.error.recovery_code"),
          retryAfter: limited ? result.retryAfter : undefined,
        },
      ),
    };
  };
}

/** Every authentication step, by the `_action` its form posts. */
export const SIGN_IN_STEPS: Readonly<Record<string, SignInStep>> = {
  login: passwordStep,
  passkey: passkeyStep,
  totp: codeStep("totp"),
  recovery_code: codeStep("recovery_code"),
};

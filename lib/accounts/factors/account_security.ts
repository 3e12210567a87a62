/**
 * /account/security: a signed-in person's passkeys, authenticator app and
 * recovery codes. Two rules guard it:
 *
 * 1. Someone who has a second factor manages factors only from a session
 *    that passed one (else the password alone would be enough to remove
 *    the second factor): the page first asks for it.
 * 2. Changes that lower the protection (turning the app off, deleting a
 *    passkey, new recovery codes) need a recent authentication
 *    (lib/accounts/factors/reauth.ts): the password again, or a passkey.
 *
 * The route parses the form and renders; the decisions are here.
 * @module
 */
import type { PublicKeyCredentialCreationOptionsJSON } from "@simplewebauthn/server";
import { listCredentials } from "../../db/factors.ts";
import type { Deps } from "../../deps.ts";
import { type Message, message, type MessageKey } from "../../i18n/messages.ts";
import {
  deletePasskey,
  listPasskeyViews,
  type PasskeyView,
  renamePasskey,
} from "../webauthn/manage.ts";
import { type PasskeyOffer, passkeyOffer } from "../webauthn/offer.ts";
import {
  registerPasskey,
  registrationOptions,
  serverRelyingParty,
  verifyPasskeyAssertion,
} from "../webauthn/passkeys.ts";
import { passkeyPageState } from "../webauthn/relying_party.ts";
import {
  confirmTOTPEnrolment,
  disableTOTP,
  pendingTOTPEnrolment,
  recoveryCodesForFirstFactor,
  regenerateRecoveryCodes,
  startTOTPEnrolment,
  type TOTPEnrolment,
} from "./enrolment.ts";
import {
  ACR_MFA,
  acrOf,
  type AMR,
  OTP_AMR,
  parseAMR,
  passkeyAMR,
  satisfies,
} from "./levels.ts";
import { confirmPassword, recentlyAuthenticated } from "./reauth.ts";
import {
  factorsOf,
  hasSecondFactor,
  type UserFactors,
  verifySecondFactor,
} from "./second_factor.ts";
import { type SignedIn, stepUpSession } from "./session_steps.ts";

export const SECURITY_PATH = "/account/security";

/** Where the page's passkey part stands. */
export type PasskeySetup =
  | { state: "ready"; registration: PublicKeyCredentialCreationOptionsJSON }
  | { state: "elsewhere"; href: string; origin: string }
  | { state: "unavailable"; reason: Message };

/** Everything the page shows. */
export interface SecurityView {
  username: string;
  amr: AMR[];
  factors: UserFactors;
  /** Rule 1: the session must pass a second factor before anything else. */
  stepUp: boolean;
  /** Rule 2: this change needs the password (or a passkey) again. */
  reauth: boolean;
  /** A passkey assertion for the step-up or re-confirmation. */
  verifyPasskey?: PasskeyOffer;
  passkeys: PasskeyView[];
  passkeySetup: PasskeySetup;
  totpEnrolment: TOTPEnrolment | null;
  /** Shown once, right after they were made. */
  recoveryCodes?: string[];
  error?: Message;
}

export interface SecurityRequest {
  current: SignedIn;
  ip: string | null;
  requestURL: string;
}

export type SecurityAnswer =
  | { kind: "redirect"; notice: string; token?: string }
  | {
    kind: "page";
    status: number;
    view: SecurityView;
    token?: string;
    /** Seconds until a limited attempt may be made again (a 429's Retry-After). */
    retryAfter?: number;
  };

interface ViewExtras {
  reauth?: boolean;
  enrolment?: TOTPEnrolment | null;
  recoveryCodes?: string[];
  error?: Message;
}

function needsStepUp(current: SignedIn, factors: UserFactors): boolean {
  return hasSecondFactor(factors) &&
    !satisfies(acrOf(parseAMR(current.session.amr)), ACR_MFA);
}

/** The page for `req.current`, with whatever this answer adds. */
export async function securityView(
  deps: Deps,
  req: SecurityRequest,
  extras: ViewExtras = {},
): Promise<SecurityView> {
  const { user, session } = req.current;
  const factors = await factorsOf(deps.db, user.id);
  const stepUp = needsStepUp(req.current, factors);
  const rp = serverRelyingParty(deps);
  const page = passkeyPageState(rp, req.requestURL);
  const passkeySetup: PasskeySetup = page.state === "ready"
    ? {
      state: "ready",
      registration: await registrationOptions(deps, page.rp, user),
    }
    : page;
  const reauth = extras.reauth ?? false;
  return {
    username: user.username,
    amr: parseAMR(session.amr),
    factors,
    stepUp,
    reauth,
    verifyPasskey: (stepUp || reauth) && factors.passkeys > 0
      ? await passkeyOffer(
        deps,
        req.requestURL,
        await listCredentials(deps.db, user.id),
      )
      : undefined,
    passkeys: await listPasskeyViews(deps, user.id),
    passkeySetup,
    totpEnrolment: extras.enrolment !== undefined
      ? extras.enrolment
      : await pendingTOTPEnrolment(deps, user),
    recoveryCodes: extras.recoveryCodes,
    error: extras.error,
  };
}

async function page(
  deps: Deps,
  req: SecurityRequest,
  status: number,
  extras: ViewExtras = {},
): Promise<SecurityAnswer> {
  return { kind: "page", status, view: await securityView(deps, req, extras) };
}

/**
 * A factor just set up was also just proved (the first TOTP code, the new
 * passkey's user-verified attestation): the session records it, so the
 * person is not asked for it again right away. Answers the page (with the
 * recovery codes, once) or a redirect.
 */
async function provedNewFactor(
  deps: Deps,
  req: SecurityRequest,
  amr: AMR[],
  codes: string[] | null,
  notice: string,
): Promise<SecurityAnswer> {
  const raised = await stepUpSession(deps, req.current, amr);
  if (!raised) return { kind: "redirect", notice };
  const next = { ...req, current: raised.current };
  if (!codes) return { kind: "redirect", notice, token: raised.token };
  return {
    kind: "page",
    status: 200,
    view: await securityView(deps, next, { recoveryCodes: codes }),
    token: raised.token,
  };
}

const LIMITED = message("factor.error.limited");

/** The step-up and re-confirmation actions (allowed before rule 1 is met). */
async function verify(
  deps: Deps,
  req: SecurityRequest,
  action: string,
  form: URLSearchParams,
): Promise<SecurityAnswer> {
  const { user } = req.current;
  let amr: AMR[] | null = null;
  let error = message("factor.error.no_match");
  let status = 401;
  let retryAfter: number | undefined;
  const limited = (result: { retryAfter?: number }) => {
    [error, status, retryAfter] = [LIMITED, 429, result.retryAfter];
  };
  if (action === "verify_passkey") {
    const rp = serverRelyingParty(deps);
    if (rp.available) {
      const result = await verifyPasskeyAssertion(
        deps,
        rp,
        form.get("passkey_response") ?? "",
        { ip: req.ip },
      );
      if (result.ok && result.user.id === user.id) amr = result.amr;
      else if (!result.ok && result.reason === "limited") limited(result);
      else error = message("factor.error.passkey_other_account");
    }
  } else if (action === "reauth") {
    const result = await confirmPassword(
      deps,
      user,
      form.get("password") ?? "",
      req.ip,
    );
    if (result.ok) amr = [];
    else if (result.reason === "limited") limited(result);
    else error = message("factor.error.password");
  } else {
    const method = action === "verify_totp" ? "totp" : "recovery_code";
    const result = await verifySecondFactor(
      deps,
      user,
      method,
      form.get("code") ?? "",
      { ip: req.ip, context: "account" },
    );
    if (result.ok) amr = result.amr;
    else if (result.reason === "limited") limited(result);
    else error = message("factor.error.code");
  }
  const raised = amr ? await stepUpSession(deps, req.current, amr) : null;
  if (raised) {
    return { kind: "redirect", notice: "verified", token: raised.token };
  }
  const view = await securityView(deps, req, {
    error,
    reauth: action === "reauth",
  });
  return { kind: "page", status, view, retryAfter };
}

/** The actions that lower protection, which need a recent authentication. */
const PROTECTIVE = new Set([
  "totp_disable",
  "recovery_regenerate",
  "passkey_delete",
]);

/** Answers one posted form of the page. */
export async function securityAction(
  deps: Deps,
  req: SecurityRequest,
  form: URLSearchParams,
): Promise<SecurityAnswer> {
  const action = form.get("_action") ?? "";
  const { user, session } = req.current;
  if (
    ["verify_totp", "verify_recovery", "verify_passkey", "reauth"].includes(
      action,
    )
  ) {
    return await verify(deps, req, action, form);
  }
  const factors = await factorsOf(deps.db, user.id);
  if (needsStepUp(req.current, factors)) {
    return await page(deps, req, 403, {
      error: message("factor.error.step_up_first"),
    });
  }
  if (PROTECTIVE.has(action) && !recentlyAuthenticated(session, deps.now())) {
    return await page(deps, req, 403, {
      reauth: true,
      error: message("factor.error.reauth_first"),
    });
  }
  switch (action) {
    case "totp_start": {
      const enrolment = await startTOTPEnrolment(deps, user);
      if (!enrolment) return { kind: "redirect", notice: "totp.exists" };
      return await page(deps, req, 200, { enrolment });
    }
    case "totp_confirm": {
      const result = await confirmTOTPEnrolment(
        deps,
        user,
        form.get("code") ?? "",
        req.ip,
      );
      if (!result.ok) {
        return await page(deps, req, 400, {
          error: message("factor.error.totp_enrol"),
        });
      }
      return await provedNewFactor(
        deps,
        req,
        OTP_AMR,
        result.recoveryCodes,
        "totp.enabled",
      );
    }
    case "totp_cancel":
    case "totp_disable":
      await disableTOTP(deps, user, req.ip);
      return {
        kind: "redirect",
        notice: action === "totp_cancel" ? "totp.cancelled" : "totp.disabled",
      };
    case "recovery_regenerate":
      if (!hasSecondFactor(factors)) {
        return { kind: "redirect", notice: "recovery.none" };
      }
      return await page(deps, req, 200, {
        recoveryCodes: await regenerateRecoveryCodes(deps, user, req.ip),
      });
    case "passkey_register": {
      const rp = serverRelyingParty(deps);
      if (!rp.available) {
        return await page(deps, req, 400, { error: rp.reason });
      }
      const result = await registerPasskey(
        deps,
        rp,
        user,
        form.get("passkey_response") ?? "",
        form.get("name") ?? "",
        req.ip,
      );
      if (!result.ok) {
        return await page(deps, req, 400, { error: result.error });
      }
      const codes = await recoveryCodesForFirstFactor(deps, user, req.ip);
      return await provedNewFactor(
        deps,
        req,
        passkeyAMR(result.credential.device_type === "multiDevice"),
        codes,
        "passkey.added",
      );
    }
    case "passkey_rename": {
      const ok = await renamePasskey(
        deps,
        user,
        form.get("credential_id") ?? "",
        form.get("name") ?? "",
        req.ip,
      );
      if (!ok) {
        return await page(deps, req, 400, {
          error: message("factor.error.passkey_name"),
        });
      }
      return { kind: "redirect", notice: "passkey.renamed" };
    }
    case "passkey_delete": {
      const ok = await deletePasskey(
        deps,
        user,
        form.get("credential_id") ?? "",
        { actor: `user:${user.username_canonical}`, ip: req.ip },
      );
      if (!ok) {
        return await page(deps, req, 404, {
          error: message("factor.error.no_passkey"),
        });
      }
      return { kind: "redirect", notice: "passkey.deleted" };
    }
  }
  return await page(deps, req, 400, {
    error: message("factor.error.unknown_action"),
  });
}

/** The sentences the page shows after a redirect (`?notice=`). */
export const SECURITY_NOTICES: Readonly<Record<string, MessageKey>> = {
  "verified": "security.notice.verified",
  "totp.enabled": "security.notice.totp_enabled",
  "totp.exists": "security.notice.totp_exists",
  "totp.cancelled": "security.notice.totp_cancelled",
  "totp.disabled": "security.notice.totp_disabled",
  "recovery.none": "security.notice.recovery_none",
  "passkey.added": "security.notice.passkey_added",
  "passkey.renamed": "security.notice.passkey_renamed",
  "passkey.deleted": "security.notice.passkey_deleted",
};

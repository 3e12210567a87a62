/**
 * Checking a second factor: a TOTP code (RFC 6238) or a recovery code, for
 * a user who already proved a first one (or to confirm a change on
 * /account/security). Every attempt is counted against the second-factor
 * budgets before the code is looked at (lib/security/rate_limit.ts), a
 * code is used at most once (the TOTP step, the recovery code: one
 * conditional update each), and every evaluated attempt is audited, never
 * the code.
 * @module
 */
import { insertAuditEvent } from "../../db/audit_events.ts";
import {
  findTOTP,
  listCredentials,
  listRecoveryCodes,
  useRecoveryCode,
  useTOTPStep,
} from "../../db/factors.ts";
import type { DB, UserRow } from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import { secondFactorCounters } from "../../security/budget_counters.ts";
import { seal, unseal } from "../../security/sealed.ts";
import { type AMR, OTP_AMR } from "./levels.ts";
import { hashRecoveryCode, looksLikeRecoveryCode } from "./recovery_codes.ts";
import { matchingStep } from "./totp.ts";

/** What a TOTP secret is sealed for (lib/security/sealed.ts). */
const TOTP_PURPOSE = "totp-secret";

/** Seals a TOTP secret, bound to its user. */
export async function sealTOTPSecret(
  appSecret: string,
  userID: string,
  secret: string,
): Promise<string> {
  return await seal(appSecret, TOTP_PURPOSE, `${userID}:${secret}`);
}

/** The TOTP secret of `userID`, or null when the sealed value is not theirs. */
export async function unsealTOTPSecret(
  appSecret: string,
  userID: string,
  sealed: string,
): Promise<string | null> {
  const opened = await unseal(appSecret, TOTP_PURPOSE, sealed);
  const prefix = `${userID}:`;
  return opened?.startsWith(prefix) ? opened.slice(prefix.length) : null;
}

/** Which factors a user has set up besides the password. */
export interface UserFactors {
  /** A confirmed authenticator app. */
  totp: boolean;
  /** Unused recovery codes. */
  recoveryCodes: number;
  passkeys: number;
}

export async function factorsOf(db: DB, userID: string): Promise<UserFactors> {
  const [totp, codes, passkeys] = await Promise.all([
    findTOTP(db, userID),
    listRecoveryCodes(db, userID),
    listCredentials(db, userID),
  ]);
  return {
    totp: totp?.confirmed_at != null,
    recoveryCodes: codes.filter((c) => c.used_at === null).length,
    passkeys: passkeys.length,
  };
}

/** Whether the user has any second factor a sign-in could ask for. */
export function hasSecondFactor(factors: UserFactors): boolean {
  return factors.totp || factors.passkeys > 0;
}

export type FactorMethod = "totp" | "recovery_code";

export type FactorResult =
  | { ok: true; amr: AMR[] }
  | { ok: false; reason: "invalid" | "limited"; retryAfter?: number };

export interface FactorOptions {
  ip: string | null;
  /** Where the code was entered (audit only): a sign-in, or an account change. */
  context: "sign_in" | "account";
  clientID?: string;
}

/** Whether the code is right, and used up now when it is. */
async function checkCode(
  deps: Deps,
  user: UserRow,
  method: FactorMethod,
  code: string,
): Promise<boolean> {
  const now = deps.now();
  if (method === "recovery_code") {
    if (!looksLikeRecoveryCode(code)) return false;
    return await useRecoveryCode(deps.db, user.id, hashRecoveryCode(code), now);
  }
  const row = await findTOTP(deps.db, user.id);
  if (!row || row.confirmed_at === null) return false;
  const secret = await unsealTOTPSecret(
    deps.appSecret,
    user.id,
    row.secret_enc,
  );
  if (secret === null) return false;
  const step = matchingStep(secret, code, now, row.last_step);
  if (step === null) return false;
  // One statement: of two requests with the same code, one gets the step.
  return await useTOTPStep(deps.db, user.id, step, now, {
    confirm: false,
    secretEnc: row.secret_enc,
  });
}

/**
 * Checks a TOTP or recovery code for `user` against the second-factor
 * budgets (per address, per account), counted before the code is.
 */
export async function verifySecondFactor(
  deps: Deps,
  user: UserRow,
  method: FactorMethod,
  code: string,
  options: FactorOptions,
): Promise<FactorResult> {
  const now = deps.now();
  const admission = await deps.budgets.begin(
    secondFactorCounters(user.id, options.ip),
    now * 1000,
  );
  if (!admission.ok) {
    return { ok: false, reason: "limited", retryAfter: admission.retryAfter };
  }
  const ok = await checkCode(deps, user, method, code.slice(0, 64));
  if (ok) await admission.attempt.succeeded();
  else await admission.attempt.failed();
  await insertAuditEvent(deps.db, {
    actor: `user:${user.username_canonical}`,
    action: ok ? "second_factor.succeeded" : "second_factor.failed",
    targetType: options.context === "sign_in" ? "sign_in" : "account",
    targetID: user.id,
    ip: options.ip,
    detail: {
      method,
      client_id: options.clientID?.slice(0, 255) ?? null,
    },
  }, now);
  return ok ? { ok: true, amr: OTP_AMR } : { ok: false, reason: "invalid" };
}

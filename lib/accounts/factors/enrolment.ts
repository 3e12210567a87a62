/**
 * Setting up and taking down second factors on /account/security: TOTP
 * enrolment (a pending secret, confirmed by a first code), turning it off,
 * and recovery codes (ten, shown once, only hashes kept). Every change is
 * an audit event, in the transaction of the change.
 * @module
 */
import { insertAuditEvent } from "../../db/audit_events.ts";
import {
  deleteRecoveryCodes,
  deleteTOTP,
  findTOTP,
  listCredentials,
  listRecoveryCodes,
  replaceRecoveryCodes,
  upsertPendingTOTP,
  useTOTPStep,
} from "../../db/factors.ts";
import type { DB, UserRow } from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import { qrDataURI } from "./qr.ts";
import { generateRecoveryCodes, hashRecoveryCode } from "./recovery_codes.ts";
import { sealTOTPSecret, unsealTOTPSecret } from "./second_factor.ts";
import {
  generateTOTPSecret,
  groupedSecret,
  matchingStep,
  otpauthURI,
} from "./totp.ts";

/** What the enrolment step shows: the QR code and the key to type instead. */
export interface TOTPEnrolment {
  qr: string;
  /** The secret in groups of four. */
  key: string;
  uri: string;
}

/** The label authenticator apps show: the issuer's host. */
function issuerLabel(deps: Deps): string {
  return new URL(deps.config.issuer).host;
}

async function audit(
  db: DB,
  user: UserRow,
  action: string,
  ip: string | null,
  now: number,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await insertAuditEvent(db, {
    actor: `user:${user.username_canonical}`,
    action,
    targetType: "account",
    targetID: user.id,
    ip,
    detail,
  }, now);
}

function enrolmentOf(deps: Deps, user: UserRow, secret: string): TOTPEnrolment {
  const uri = otpauthURI(secret, issuerLabel(deps), user.username);
  return { qr: qrDataURI(uri), key: groupedSecret(secret), uri };
}

/** Starts (or restarts) enrolment with a new secret. */
export async function startTOTPEnrolment(
  deps: Deps,
  user: UserRow,
): Promise<TOTPEnrolment | null> {
  const existing = await findTOTP(deps.db, user.id);
  if (existing?.confirmed_at != null) return null;
  const secret = generateTOTPSecret();
  const sealed = await sealTOTPSecret(deps.appSecret, user.id, secret);
  await upsertPendingTOTP(deps.db, user.id, sealed, deps.now());
  return enrolmentOf(deps, user, secret);
}

/** The enrolment waiting for its first code, if any. */
export async function pendingTOTPEnrolment(
  deps: Deps,
  user: UserRow,
): Promise<TOTPEnrolment | null> {
  const row = await findTOTP(deps.db, user.id);
  if (!row || row.confirmed_at !== null) return null;
  const secret = await unsealTOTPSecret(
    deps.appSecret,
    user.id,
    row.secret_enc,
  );
  return secret ? enrolmentOf(deps, user, secret) : null;
}

/** Recovery codes made when a first second factor arrives, if none exist. */
async function firstRecoveryCodes(
  db: DB,
  user: UserRow,
  ip: string | null,
  now: number,
): Promise<string[] | null> {
  const unused = (await listRecoveryCodes(db, user.id))
    .filter((c) => c.used_at === null);
  if (unused.length > 0) return null;
  const codes = generateRecoveryCodes();
  await replaceRecoveryCodes(db, user.id, codes.map(hashRecoveryCode), now);
  await audit(db, user, "recovery_codes.generated", ip, now, {
    count: codes.length,
  });
  return codes;
}

export type ConfirmResult =
  | { ok: true; recoveryCodes: string[] | null }
  | { ok: false };

/**
 * Confirms the pending secret with a first code from the app (RFC 6238:
 * the step is recorded as used). Answers the first recovery codes when the
 * account had none.
 */
export async function confirmTOTPEnrolment(
  deps: Deps,
  user: UserRow,
  code: string,
  ip: string | null,
): Promise<ConfirmResult> {
  const row = await findTOTP(deps.db, user.id);
  if (!row || row.confirmed_at !== null) return { ok: false };
  const secret = await unsealTOTPSecret(
    deps.appSecret,
    user.id,
    row.secret_enc,
  );
  const now = deps.now();
  const step = secret ? matchingStep(secret, code, now, row.last_step) : null;
  if (step === null) return { ok: false };
  return await deps.db.transaction().execute(async (trx) => {
    const confirmed = await useTOTPStep(trx, user.id, step, now, {
      confirm: true,
      secretEnc: row.secret_enc,
    });
    if (!confirmed) return { ok: false } as const;
    await audit(trx, user, "totp.enabled", ip, now);
    return {
      ok: true,
      recoveryCodes: await firstRecoveryCodes(trx, user, ip, now),
    } as const;
  });
}

/**
 * Turns the authenticator app off (or drops a pending enrolment). Without
 * any second factor left, the recovery codes go too.
 */
export async function disableTOTP(
  deps: Deps,
  user: UserRow,
  ip: string | null,
): Promise<boolean> {
  const now = deps.now();
  return await deps.db.transaction().execute(async (trx) => {
    const row = await findTOTP(trx, user.id);
    if (!row || !(await deleteTOTP(trx, user.id))) return false;
    if (row.confirmed_at === null) return true;
    if ((await listCredentials(trx, user.id)).length === 0) {
      await deleteRecoveryCodes(trx, user.id);
    }
    await audit(trx, user, "totp.disabled", ip, now);
    return true;
  });
}

/** Ten new recovery codes, replacing the old ones; shown once. */
export async function regenerateRecoveryCodes(
  deps: Deps,
  user: UserRow,
  ip: string | null,
): Promise<string[]> {
  const now = deps.now();
  const codes = generateRecoveryCodes();
  await deps.db.transaction().execute(async (trx) => {
    await replaceRecoveryCodes(trx, user.id, codes.map(hashRecoveryCode), now);
    await audit(trx, user, "recovery_codes.generated", ip, now, {
      count: codes.length,
    });
  });
  return codes;
}

/** Recovery codes for a first passkey, when the account had none. */
export async function recoveryCodesForFirstFactor(
  deps: Deps,
  user: UserRow,
  ip: string | null,
): Promise<string[] | null> {
  const now = deps.now();
  return await deps.db.transaction().execute((trx) =>
    firstRecoveryCodes(trx, user, ip, now)
  );
}

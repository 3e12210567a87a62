/**
 * Email verification: `email_verified` (the OIDC claim) becomes true only
 * when the person opens the link mailed to that very address. A link is
 * bound to the address it was sent to: after an address change it
 * verifies nothing. Verification mails are budgeted per account.
 * @module
 */
import type { UserRow } from "../db/schema.ts";
import { findUserByID, updateUser } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import type { Locale } from "../i18n/locales.ts";
import { verificationCounter } from "../security/budget_counters.ts";
import { sendVerificationMail } from "./mails.ts";
import { recordAccountEvent } from "./notify.ts";
import { useAccountToken } from "./tokens.ts";

/**
 * Sends `user` a verification link unless the account's budget of them is
 * spent (then nothing is sent). True when a mail was queued.
 */
export async function offerVerification(
  deps: Deps,
  user: UserRow,
  ip: string | null,
  createdBy: string,
  locale?: Locale,
): Promise<boolean> {
  if (!deps.mail.enabled || !user.email || user.email_verified === 1) {
    return false;
  }
  const admission = await deps.budgets.begin(
    [verificationCounter(user.id)],
    deps.now() * 1000,
  );
  if (!admission.ok) return false;
  await admission.attempt.failed();
  const sent = await sendVerificationMail(deps, user, createdBy, { locale });
  if (sent) {
    await recordAccountEvent(deps.db, user, "account.verification_sent", {
      ip,
      actor: createdBy,
    }, deps.now());
  }
  return sent;
}

export type VerifyResult =
  | { ok: true; user: UserRow }
  | { ok: false; reason: "invalid_link" | "address_changed" };

/** Uses a verification link once. */
export async function verifyEmailWithLink(
  deps: Deps,
  token: string | null,
  ip: string | null,
): Promise<VerifyResult> {
  const now = deps.now();
  const used = await useAccountToken(deps.db, "verify_email", token, now);
  const user = used?.user_id
    ? await findUserByID(deps.db, used.user_id)
    : undefined;
  if (!used || !user) return { ok: false, reason: "invalid_link" };
  if (user.email === null || user.email !== used.email) {
    return { ok: false, reason: "address_changed" };
  }
  const verified: UserRow = {
    ...user,
    email_verified: 1,
    verify_before_sign_in: 0,
    updated_at: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, {
      email_verified: 1,
      verify_before_sign_in: 0,
      updated_at: now,
    });
    await recordAccountEvent(trx, user, "account.email_verified", {
      ip,
      actor: "anonymous",
      detail: { email: used.email },
    }, now);
  });
  return { ok: true, user: verified };
}

/**
 * Second factors and passkeys: a user's TOTP secret (sealed), recovery
 * codes (hashed) and WebAuthn credentials. Single use is one conditional
 * update each (a TOTP step, a recovery code), never a read then a write.
 * @module
 */
import type {
  DB,
  RecoveryCodeRow,
  UserTOTPRow,
  WebAuthnCredentialRow,
  WebAuthnCredentialsTable,
} from "./schema.ts";
import type { Insertable } from "kysely";

// ------------------------------------------------------------------ TOTP

export async function findTOTP(
  db: DB,
  userID: string,
): Promise<UserTOTPRow | undefined> {
  return await db.selectFrom("user_totp").selectAll()
    .where("user_id", "=", userID).executeTakeFirst();
}

/** Starts (or restarts) an enrolment: an unconfirmed secret. */
export async function upsertPendingTOTP(
  db: DB,
  userID: string,
  secretEnc: string,
  now: number,
): Promise<void> {
  await db.insertInto("user_totp").values({
    user_id: userID,
    secret_enc: secretEnc,
    confirmed_at: null,
    last_step: 0,
    created_at: now,
    updated_at: now,
  }).onConflict((oc) =>
    oc.column("user_id").doUpdateSet({
      secret_enc: secretEnc,
      confirmed_at: null,
      last_step: 0,
      created_at: now,
      updated_at: now,
    }).where("user_totp.confirmed_at", "is", null)
  ).execute();
}

/**
 * Records `step` as used, only when it is later than the last used one
 * (and, when `confirm`, confirms a pending enrolment with it). False: the
 * step was used already, or the row is not in the expected state.
 */
export async function useTOTPStep(
  db: DB,
  userID: string,
  step: number,
  now: number,
  options: { confirm: boolean; secretEnc: string },
): Promise<boolean> {
  let q = db.updateTable("user_totp")
    .set(
      options.confirm
        ? { last_step: step, confirmed_at: now, updated_at: now }
        : { last_step: step, updated_at: now },
    )
    .where("user_id", "=", userID)
    .where("last_step", "<", step)
    // The secret the code was checked against: a re-enrolment in between
    // must not be confirmed by the old secret's code.
    .where("secret_enc", "=", options.secretEnc);
  q = options.confirm
    ? q.where("confirmed_at", "is", null)
    : q.where("confirmed_at", "is not", null);
  const r = await q.executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteTOTP(db: DB, userID: string): Promise<boolean> {
  const r = await db.deleteFrom("user_totp").where("user_id", "=", userID)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

// -------------------------------------------------------- recovery codes

/** Replaces a user's recovery codes with new hashes. */
export async function replaceRecoveryCodes(
  db: DB,
  userID: string,
  hashes: string[],
  now: number,
): Promise<void> {
  await db.deleteFrom("user_recovery_codes").where("user_id", "=", userID)
    .execute();
  await db.insertInto("user_recovery_codes").values(
    hashes.map((code_hash) => ({
      user_id: userID,
      code_hash,
      used_at: null,
      created_at: now,
    })),
  ).execute();
}

/** Marks a code used, in one statement; false when it is unknown or used. */
export async function useRecoveryCode(
  db: DB,
  userID: string,
  codeHash: string,
  now: number,
): Promise<boolean> {
  const r = await db.updateTable("user_recovery_codes").set({ used_at: now })
    .where("user_id", "=", userID).where("code_hash", "=", codeHash)
    .where("used_at", "is", null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function listRecoveryCodes(
  db: DB,
  userID: string,
): Promise<RecoveryCodeRow[]> {
  return await db.selectFrom("user_recovery_codes").selectAll()
    .where("user_id", "=", userID).execute();
}

export async function deleteRecoveryCodes(
  db: DB,
  userID: string,
): Promise<number> {
  const r = await db.deleteFrom("user_recovery_codes")
    .where("user_id", "=", userID).executeTakeFirst();
  return Number(r.numDeletedRows);
}

// ---------------------------------------------------- WebAuthn credentials

export async function insertCredential(
  db: DB,
  row: Insertable<WebAuthnCredentialsTable>,
): Promise<void> {
  await db.insertInto("webauthn_credentials").values(row).execute();
}

export async function findCredential(
  db: DB,
  credentialID: string,
): Promise<WebAuthnCredentialRow | undefined> {
  return await db.selectFrom("webauthn_credentials").selectAll()
    .where("credential_id", "=", credentialID).executeTakeFirst();
}

/** A user's passkeys, oldest first. */
export async function listCredentials(
  db: DB,
  userID: string,
): Promise<WebAuthnCredentialRow[]> {
  return await db.selectFrom("webauthn_credentials").selectAll()
    .where("user_id", "=", userID)
    .orderBy("created_at").orderBy("credential_id").execute();
}

/** After an assertion: the new counter, backup state and when it was used. */
export async function recordCredentialUse(
  db: DB,
  credentialID: string,
  values: { counter: number; backedUp: boolean; now: number },
): Promise<void> {
  await db.updateTable("webauthn_credentials").set({
    counter: values.counter,
    backed_up: values.backedUp ? 1 : 0,
    last_used_at: values.now,
  }).where("credential_id", "=", credentialID).execute();
}

export async function renameCredential(
  db: DB,
  userID: string,
  credentialID: string,
  name: string,
): Promise<boolean> {
  const r = await db.updateTable("webauthn_credentials").set({ name })
    .where("credential_id", "=", credentialID).where("user_id", "=", userID)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteCredential(
  db: DB,
  userID: string,
  credentialID: string,
): Promise<boolean> {
  const r = await db.deleteFrom("webauthn_credentials")
    .where("credential_id", "=", credentialID).where("user_id", "=", userID)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

export async function deleteCredentials(
  db: DB,
  userID: string,
): Promise<number> {
  const r = await db.deleteFrom("webauthn_credentials")
    .where("user_id", "=", userID).executeTakeFirst();
  return Number(r.numDeletedRows);
}

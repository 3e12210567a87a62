/**
 * A user's second factors and passkeys through the admin API and the user
 * page: what they have (never a secret: no TOTP key, no recovery code, no
 * public key), deleting one passkey, and "reset second factor" for someone
 * who lost their device: the authenticator app, every passkey and the
 * recovery codes go, and the user's sessions end (a lost device may hold
 * one), so the next sign-in is with the password alone.
 * @module
 */
import {
  deleteCredentials,
  deleteRecoveryCodes,
  deleteTOTP,
  findTOTP,
  listRecoveryCodes,
} from "../db/factors.ts";
import { deleteUserSessions } from "../db/sessions.ts";
import { findUserByID } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import {
  deletePasskey,
  listPasskeyViews,
  type PasskeyView,
} from "../accounts/webauthn/manage.ts";
import { type AdminActor, notFound } from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";

export interface FactorsView {
  totp: { enabled: boolean; since: number | null };
  recovery_codes: { unused: number; total: number };
  passkeys: PasskeyView[];
}

export async function getFactorsView(
  deps: Deps,
  userID: string,
): Promise<FactorsView> {
  if (!(await findUserByID(deps.db, userID))) throw notFound("user", userID);
  const totp = await findTOTP(deps.db, userID);
  const codes = await listRecoveryCodes(deps.db, userID);
  return {
    totp: {
      enabled: totp?.confirmed_at != null,
      since: totp?.confirmed_at ?? null,
    },
    recovery_codes: {
      unused: codes.filter((c) => c.used_at === null).length,
      total: codes.length,
    },
    passkeys: await listPasskeyViews(deps, userID),
  };
}

/** Removes every second factor and passkey; ends the user's sessions. */
export async function resetSecondFactor(
  deps: Deps,
  who: AdminActor,
  userID: string,
): Promise<FactorsView> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await findUserByID(trx, userID))) throw notFound("user", userID);
    const totp = await deleteTOTP(trx, userID);
    const passkeys = await deleteCredentials(trx, userID);
    const codes = await deleteRecoveryCodes(trx, userID);
    const sessions = await deleteUserSessions(trx, userID);
    await recordAdminEvent(trx, who, {
      action: "user.second_factor_reset",
      targetType: "user",
      targetID: userID,
      detail: {
        totp_removed: totp,
        passkeys_removed: passkeys,
        recovery_codes_removed: codes,
        sessions_ended: sessions,
      },
    }, now);
  });
  return await getFactorsView(deps, userID);
}

/** Deletes one of the user's passkeys. */
export async function removeUserPasskey(
  deps: Deps,
  who: AdminActor,
  userID: string,
  credentialID: string,
): Promise<void> {
  const user = await findUserByID(deps.db, userID);
  if (!user) throw notFound("user", userID);
  const ok = await deletePasskey(deps, user, credentialID, {
    actor: who.actor,
    ip: who.ip,
  });
  if (!ok) throw notFound("passkey", credentialID);
}

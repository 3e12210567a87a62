/**
 * A person's passkeys as /account/security and the admin user page show
 * them, and the changes made there: rename, delete (the last second factor
 * gone takes the recovery codes with it). Each change is an audit event in
 * its transaction.
 * @module
 */
import { insertAuditEvent } from "../../db/audit_events.ts";
import {
  deleteCredential,
  deleteRecoveryCodes,
  findCredential,
  findTOTP,
  listCredentials,
  renameCredential,
} from "../../db/factors.ts";
import type { UserRow, WebAuthnCredentialRow } from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import { MAX_PASSKEY_NAME } from "./passkeys.ts";

export interface PasskeyView {
  id: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
  /** Backup eligible (synced between devices) or bound to one. */
  synced: boolean;
  backed_up: boolean;
}

export function passkeyView(row: WebAuthnCredentialRow): PasskeyView {
  return {
    id: row.credential_id,
    name: row.name,
    created_at: row.created_at,
    last_used_at: row.last_used_at,
    synced: row.device_type === "multiDevice",
    backed_up: row.backed_up === 1,
  };
}

export async function listPasskeyViews(
  deps: Deps,
  userID: string,
): Promise<PasskeyView[]> {
  return (await listCredentials(deps.db, userID)).map(passkeyView);
}

/** Renames one of the user's passkeys; false when it is not theirs. */
export async function renamePasskey(
  deps: Deps,
  user: UserRow,
  credentialID: string,
  name: string,
  ip: string | null,
): Promise<boolean> {
  const clean = name.trim().slice(0, MAX_PASSKEY_NAME);
  if (!clean) return false;
  const now = deps.now();
  return await deps.db.transaction().execute(async (trx) => {
    const row = await findCredential(trx, credentialID);
    if (!row || row.user_id !== user.id) return false;
    await renameCredential(trx, user.id, credentialID, clean);
    await insertAuditEvent(trx, {
      actor: `user:${user.username_canonical}`,
      action: "passkey.renamed",
      targetType: "account",
      targetID: user.id,
      ip,
      detail: { from: row.name, to: clean },
    }, now);
    return true;
  });
}

/**
 * Deletes one of a user's passkeys (`actor` is who did it: the user, or
 * an admin). Without a second factor left, the recovery codes go too.
 */
export async function deletePasskey(
  deps: Deps,
  user: UserRow,
  credentialID: string,
  who: { actor: string; ip: string | null },
): Promise<boolean> {
  const now = deps.now();
  return await deps.db.transaction().execute(async (trx) => {
    const row = await findCredential(trx, credentialID);
    if (!row || row.user_id !== user.id) return false;
    await deleteCredential(trx, user.id, credentialID);
    const totp = await findTOTP(trx, user.id);
    const left = (await listCredentials(trx, user.id)).length;
    if (left === 0 && totp?.confirmed_at == null) {
      await deleteRecoveryCodes(trx, user.id);
    }
    await insertAuditEvent(trx, {
      actor: who.actor,
      action: "passkey.deleted",
      targetType: who.actor.startsWith("user:") ? "account" : "user",
      targetID: user.id,
      ip: who.ip,
      detail: { name: row.name },
    }, now);
    return true;
  });
}

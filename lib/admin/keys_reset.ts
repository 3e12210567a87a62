/**
 * `deno task admin:reset-keys`: the way back when APP_SECRET was lost or
 * changed and the stored signing keys can no longer be decrypted (the
 * server refuses to start then, naming them). It deletes exactly the keys
 * this APP_SECRET cannot open and, when no RS256 key is left, creates one
 * that signs at once. What that costs: every ID token and JWT access token
 * those keys signed stops verifying (relying parties fetch the new JWKS
 * when they meet the new kid; users sign in again where an app checks its
 * ID token); opaque access tokens, refresh tokens, sessions, clients and
 * users are untouched. Restoring the old secret, when possible, costs
 * nothing instead.
 * @module
 */
import { insertAuditEvent } from "../db/audit_events.ts";
import type { DB } from "../db/schema.ts";
import { deleteSigningKeys } from "../db/signing_keys.ts";
import { KeyStore, undecryptableKeys } from "../keys.ts";
import { KeyCipher } from "../security/key_cipher.ts";

export interface KeyReset {
  /** The keys APP_SECRET could not open, now deleted. */
  deleted: string[];
  /** The RS256 key that signs from now on. */
  signing: string;
}

/** The kids `appSecret` cannot open (nothing to reset when empty). */
export async function keysToReset(
  db: DB,
  appSecret: string,
): Promise<string[]> {
  return await undecryptableKeys(db, await KeyCipher.fromSecret(appSecret));
}

/**
 * Deletes the keys `appSecret` cannot open (an audit event `key.reset`
 * names them) and opens the key store, which creates an RS256 key signing
 * at once when none is left.
 */
export async function resetUndecryptableKeys(
  db: DB,
  appSecret: string,
  now: () => number,
): Promise<KeyReset> {
  const deleted = await keysToReset(db, appSecret);
  await db.transaction().execute(async (trx) => {
    await deleteSigningKeys(trx, deleted);
    await insertAuditEvent(trx, {
      actor: "cli",
      action: "key.reset",
      targetType: "signing_key",
      detail: { deleted, reason: "APP_SECRET cannot decrypt them" },
    }, now());
  });
  const store = await KeyStore.open(db, appSecret, now);
  return { deleted, signing: (await store.signingKey("RS256")).kid };
}

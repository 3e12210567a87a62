/**
 * The admin token: generated once by the setup wizard (256 bits), shown once,
 * stored only as SHA-256. Before setup completes, the bootstrap ADMIN_TOKEN
 * from the environment is accepted instead; afterwards it is refused.
 * @module
 */
import type { DB } from "../db/schema.ts";
import { deleteSessionsOfKind } from "../db/sessions.ts";
import {
  deleteSetting,
  findSetting,
  insertSettingIfAbsent,
  upsertSetting,
} from "../db/settings.ts";
import { randomToken, sha256, timingSafeEqual } from "../security/crypto.ts";

const TOKEN_HASH_KEY = "admin_token_hash";
const SETUP_AT_KEY = "setup_completed_at";
/** The hash of the setup code printed at start (lib/admin/setup.ts). */
export const SETUP_CODE_KEY = "setup_code_hash";

/** Remembers "setup done" per process: it never goes back to "not done". */
export class SetupState {
  #done = false;

  async isComplete(db: DB): Promise<boolean> {
    if (this.#done) return true;
    this.#done = (await findSetting(db, TOKEN_HASH_KEY)) !== null;
    return this.#done;
  }

  /** True once this process has seen setup done (no database read). */
  isKnownComplete(): boolean {
    return this.#done;
  }

  markComplete(): void {
    this.#done = true;
  }
}

/**
 * Completes setup: returns the new admin token, or null when setup was
 * already done (also when two browsers race; exactly one wins).
 */
export async function completeSetup(
  db: DB,
  now: number,
): Promise<string | null> {
  const token = randomToken(32);
  const inserted = await db.transaction().execute(async (trx) => {
    const ok = await insertSettingIfAbsent(
      trx,
      TOKEN_HASH_KEY,
      sha256(token),
      now,
    );
    if (ok) {
      await upsertSetting(trx, SETUP_AT_KEY, String(now), now);
      // The setup code has done its job.
      await deleteSetting(trx, SETUP_CODE_KEY);
      // Sessions opened with the bootstrap ADMIN_TOKEN must not outlive it.
      await deleteSessionsOfKind(trx, "admin");
    }
    return ok;
  });
  return inserted ? token : null;
}

/** Replaces the admin token (the reset command); returns the new token. */
export async function resetAdminToken(db: DB, now: number): Promise<string> {
  const token = randomToken(32);
  await db.transaction().execute(async (trx) => {
    await upsertSetting(trx, TOKEN_HASH_KEY, sha256(token), now);
    if (!(await findSetting(trx, SETUP_AT_KEY))) {
      await upsertSetting(trx, SETUP_AT_KEY, String(now), now);
    }
  });
  return token;
}

/**
 * Checks a presented admin token in constant time: against the stored hash
 * once setup is done, else against the bootstrap ADMIN_TOKEN (if set).
 */
export async function verifyAdminToken(
  db: DB,
  bootstrapToken: string | null,
  presented: string | null | undefined,
): Promise<boolean> {
  if (!presented || presented.length > 512) return false;
  const storedHash = await findSetting(db, TOKEN_HASH_KEY);
  if (storedHash !== null) {
    return timingSafeEqual(sha256(presented), storedHash);
  }
  if (bootstrapToken === null) return false;
  return timingSafeEqual(sha256(presented), sha256(bootstrapToken));
}

/**
 * Signing keys through the admin API: list, rotate, retire, delete. A
 * rotation publishes the new key at once and lets it sign only after the
 * JWKS cache lifetime (`activates_at`, lib/key_schedule.ts); until then the
 * old key signs, and afterwards it stays in the JWKS as retired, so tokens
 * it signed still verify. A retired key may be deleted once every token it
 * can have signed has expired (or at once with `force`). The last RS256 key
 * cannot be retired: OIDC requires every provider to sign with RS256.
 * Every thread of this process sees each change on its next request;
 * other instances within a second.
 * @module
 */
import type { SigningKeyRow } from "../db/schema.ts";
import {
  deleteSigningKey,
  findSigningKey,
  listSigningKeys,
  rescheduleRetirements,
  retireSigningKey,
} from "../db/signing_keys.ts";
import {
  activatesAt,
  hasEnded,
  type KeyStatus,
  keyStatus,
} from "../key_schedule.ts";
import type { Deps } from "../deps.ts";
import { HttpError } from "../http/http_error.ts";
import { parseWith } from "../http/json_body.ts";
import type { PublicJWK } from "../keys.ts";
import { type AdminActor, notFound } from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";
import { DeleteKeyQuery, RotateKey } from "./schemas.ts";

/**
 * How long a retired key must stay published: the longest access token
 * lifetime a policy allows (86400 s) outlives every ID token (3600 s).
 */
export const RETIRED_KEY_GRACE_SECONDS = 86400;

export interface KeyView {
  kid: string;
  alg: string;
  /** pending: published, signs from `activates_at`; retired: signs no more. */
  status: KeyStatus;
  created_at: number;
  /** When it signs (or signed) from. */
  activates_at: number;
  /** When it stops (or stopped) signing; may lie ahead after a rotation. */
  retired_at: number | null;
  /** Public members only (kty, n, e / crv, x, y) with kid, alg, use. */
  public_jwk: PublicJWK;
}

/** `row` as an admin sees it at `now`, among all `rows`. */
export function keyView(
  row: SigningKeyRow,
  rows: readonly SigningKeyRow[],
  now: number,
): KeyView {
  return {
    kid: row.kid,
    alg: row.alg,
    status: keyStatus(row, rows, now),
    created_at: row.created_at,
    activates_at: activatesAt(row),
    retired_at: row.retired_at,
    public_jwk: JSON.parse(row.public_jwk) as PublicJWK,
  };
}

const RANK: Record<KeyStatus, number> = { active: 0, pending: 1, retired: 2 };

/** Active keys first, then pending, then newest first; read from the table. */
export async function listKeyViews(deps: Deps): Promise<KeyView[]> {
  const rows = await listSigningKeys(deps.db);
  const now = deps.now();
  return rows.map((row) => keyView(row, rows, now)).sort((a, b) =>
    RANK[a.status] - RANK[b.status] || b.created_at - a.created_at ||
    (b.retired_at ?? 0) - (a.retired_at ?? 0) || (a.kid < b.kid ? -1 : 1)
  );
}

/** The answer to a rotation: the new public JWK, and when it signs. */
export type RotatedKey = PublicJWK & {
  status: KeyStatus;
  activates_at: number;
};

/**
 * Creates a new key for `alg` (default RS256), published at once and
 * signing from `activates_at`, when the previous one retires; answers the
 * new public JWK with `status` and `activates_at`.
 */
export async function rotateKey(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<RotatedKey> {
  const { alg } = parseWith(RotateKey, body);
  // KeyStore.rotate writes the key and schedules the old one's retirement
  // in its own transaction; the audit event follows it.
  const jwk = await deps.keys.rotate(alg);
  const rows = await listSigningKeys(deps.db);
  const row = rows.find((r) => r.kid === jwk.kid);
  const now = deps.now();
  const at = row ? activatesAt(row) : now;
  await recordAdminEvent(deps.db, who, {
    action: "key.rotated",
    targetType: "signing_key",
    targetID: jwk.kid,
    detail: { alg, activates_at: at },
  }, now);
  const status = row ? keyStatus(row, rows, now) : "active";
  return { ...jwk, status, activates_at: at };
}

/**
 * Ends a key's signing now (active or pending -> retired); 404 unknown, 409
 * already retired or the last RS256 key. Retiring the signing key while its
 * successor waits makes the successor sign at once (for a key that leaked:
 * relying parties that cached the JWKS in the last minute refetch it when
 * they meet the new kid); retiring a waiting key keeps its predecessor
 * signing as before the rotation.
 */
export async function retireKey(
  deps: Deps,
  who: AdminActor,
  kid: string,
): Promise<KeyView> {
  const now = deps.now();
  const row = await deps.db.transaction().execute(async (trx) => {
    const key = await findSigningKey(trx, kid);
    if (!key) throw notFound("signing key", kid);
    if (hasEnded(key, now)) {
      throw new HttpError(409, `signing key ${kid} is already retired`, {
        details: { kid, status: "retired" },
      });
    }
    if (!(await retireSigningKey(trx, kid, now, { keepAlg: "RS256" }))) {
      throw new HttpError(
        409,
        "the last active RS256 key cannot be retired; rotate instead",
        { details: { kid, alg: key.alg } },
      );
    }
    if (activatesAt(key) > now) {
      // Its predecessors were to stop when it began: they go on instead.
      await rescheduleRetirements(
        trx,
        key.alg,
        activatesAt(key),
        key.status === "retired" ? key.retired_at : null,
      );
    }
    await recordAdminEvent(trx, who, {
      action: "key.retired",
      targetType: "signing_key",
      targetID: kid,
      detail: { alg: key.alg },
    }, now);
    return { ...key, status: "retired" as const, retired_at: now };
  });
  return keyView(row, [row], now);
}

/**
 * Deletes a retired key (it leaves the JWKS). 404 unknown; 409 while it is
 * active, or retired for less than the grace period unless `force=true`.
 */
export async function deleteKey(
  deps: Deps,
  who: AdminActor,
  kid: string,
  query: Record<string, string>,
): Promise<void> {
  const force = parseWith(DeleteKeyQuery, query).force === "true";
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const key = await findSigningKey(trx, kid);
    if (!key) throw notFound("signing key", kid);
    if (!hasEnded(key, now) || key.retired_at === null) {
      const status = activatesAt(key) > now ? "pending" : "active";
      throw new HttpError(
        409,
        `signing key ${kid} is ${status}; only retired keys can be deleted`,
        { details: { kid, status } },
      );
    }
    const deletableAt = key.retired_at + RETIRED_KEY_GRACE_SECONDS;
    if (!force && now < deletableAt) {
      throw new HttpError(
        409,
        `signing key ${kid} may still verify unexpired tokens; delete after ` +
          `${deletableAt} or pass force=true`,
        { details: { kid, deletable_at: deletableAt } },
      );
    }
    if (!(await deleteSigningKey(trx, kid, now))) {
      throw notFound("signing key", kid);
    }
    await recordAdminEvent(trx, who, {
      action: "key.deleted",
      targetType: "signing_key",
      targetID: kid,
      detail: { alg: key.alg, forced: force && now < deletableAt },
    }, now);
  });
}

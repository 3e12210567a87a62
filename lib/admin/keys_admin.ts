/**
 * Signing keys through the admin API: list, rotate, retire, delete. Rotation
 * keeps the old key in the JWKS as retired, so tokens it signed still
 * verify; a retired key may be deleted once every token it can have signed
 * has expired (or at once with `force`). The last active RS256 key cannot be
 * retired: OIDC requires every provider to sign with RS256. After each
 * change this process reloads its keys; others reload within seconds.
 * @module
 */
import type { SigningKeyRow } from "../db/schema.ts";
import {
  deleteSigningKey,
  findSigningKey,
  listSigningKeys,
  retireSigningKey,
} from "../db/signing_keys.ts";
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
  status: "active" | "retired";
  created_at: number;
  retired_at: number | null;
  /** Public members only (kty, n, e / crv, x, y) with kid, alg, use. */
  public_jwk: PublicJWK;
}

export function keyView(row: SigningKeyRow): KeyView {
  return {
    kid: row.kid,
    alg: row.alg,
    status: row.status,
    created_at: row.created_at,
    retired_at: row.retired_at,
    public_jwk: JSON.parse(row.public_jwk) as PublicJWK,
  };
}

/** Active keys first, then newest first (by creation, then retirement). */
export async function listKeyViews(deps: Deps): Promise<KeyView[]> {
  const rank = (k: KeyView): number => (k.status === "active" ? 0 : 1);
  return (await listSigningKeys(deps.db)).map(keyView).sort((a, b) =>
    rank(a) - rank(b) || b.created_at - a.created_at ||
    (b.retired_at ?? 0) - (a.retired_at ?? 0) || (a.kid < b.kid ? -1 : 1)
  );
}

/**
 * Creates a new active key for `alg` (default RS256) and retires the
 * previous one; answers the new public JWK.
 */
export async function rotateKey(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<PublicJWK> {
  const { alg } = parseWith(RotateKey, body);
  // KeyStore.rotate writes the key and retires the old one in its own
  // transaction; the audit event follows it.
  const jwk = await deps.keys.rotate(alg);
  await recordAdminEvent(deps.db, who, {
    action: "key.rotated",
    targetType: "signing_key",
    targetID: jwk.kid,
    detail: { alg },
  }, deps.now());
  return jwk;
}

/** active -> retired; 404 unknown, 409 already retired or last RS256 key. */
export async function retireKey(
  deps: Deps,
  who: AdminActor,
  kid: string,
): Promise<KeyView> {
  const now = deps.now();
  const row = await deps.db.transaction().execute(async (trx) => {
    const key = await findSigningKey(trx, kid);
    if (!key) throw notFound("signing key", kid);
    if (key.status === "retired") {
      throw new HttpError(409, `signing key ${kid} is already retired`, {
        details: { kid, status: key.status },
      });
    }
    if (!(await retireSigningKey(trx, kid, now, { keepAlg: "RS256" }))) {
      throw new HttpError(
        409,
        "the last active RS256 key cannot be retired; rotate instead",
        { details: { kid, alg: key.alg } },
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
  await deps.keys.reload();
  return keyView(row);
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
    if (key.status !== "retired" || key.retired_at === null) {
      throw new HttpError(
        409,
        `signing key ${kid} is active; only retired keys can be deleted`,
        { details: { kid, status: key.status } },
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
    if (!(await deleteSigningKey(trx, kid))) {
      throw notFound("signing key", kid);
    }
    await recordAdminEvent(trx, who, {
      action: "key.deleted",
      targetType: "signing_key",
      targetID: kid,
      detail: { alg: key.alg, forced: force && now < deletableAt },
    }, now);
  });
  await deps.keys.reload();
}

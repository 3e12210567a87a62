/**
 * When each signing key signs. A key is published (in the JWKS) from its
 * creation until it is deleted; it signs from `activates_at` until its
 * window ends (`retired_at`). A rotation publishes the new key first and
 * activates it only once every JWKS fetched before the key was published
 * has expired from the caches (the advertised `max-age`, plus the time the
 * other instances take to see the key): a relying party never meets a
 * `kid` its cached JWKS lacks. The previous key signs until then, and its
 * window ends exactly when the new one's begins.
 *
 * Pure functions over the rows, so every thread and instance reading the
 * same rows at the same time picks the same key.
 * @module
 */
import type { Epoch, SigningKeyRow } from "./db/schema.ts";

/**
 * How long a server thread may serve its view of the key table before it
 * reads it again (a change made on another instance); the threads of one
 * process see each other's changes at once (lib/db/invalidation.ts).
 */
export const KEY_RELOAD_SECONDS = 1;

/**
 * Added to the JWKS max-age before a new key signs: one reload interval
 * for every instance to publish it, and a second for clocks that differ.
 */
export const PUBLISH_MARGIN_SECONDS = KEY_RELOAD_SECONDS + 1;

/** Seconds from a rotation until the new key signs. */
export function activationDelay(jwksMaxAge: number): number {
  return jwksMaxAge + PUBLISH_MARGIN_SECONDS;
}

/** What an admin sees: published and waiting, signing, or done. */
export type KeyStatus = "pending" | "active" | "retired";

type Row = Pick<
  SigningKeyRow,
  "kid" | "alg" | "status" | "created_at" | "activates_at" | "retired_at"
>;

/** When the key starts signing (rows made before the column: creation). */
export function activatesAt(row: Row): Epoch {
  return row.activates_at ?? row.created_at;
}

/** Whether the key's window has ended by `now` (it signs no more). */
export function hasEnded(row: Row, now: Epoch): boolean {
  return row.status === "retired" && (row.retired_at ?? 0) <= now;
}

/** Newest activation first, then newest creation, then kid. */
function newestFirst(a: Row, b: Row): number {
  return activatesAt(b) - activatesAt(a) || b.created_at - a.created_at ||
    (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0);
}

/**
 * The key of `alg` that signs at `now`: the most recently activated one
 * whose window is open. When none has activated yet but one is published
 * and waiting (an admin retired the signing key early), the earliest of
 * those signs: it is published, and no key at all would be worse. Null
 * when no key of `alg` can sign (the caller creates one).
 */
export function signerOf<R extends Row>(
  rows: readonly R[],
  alg: string,
  now: Epoch,
): R | null {
  const open = rows.filter((r) => r.alg === alg && !hasEnded(r, now));
  const activated = open.filter((r) => activatesAt(r) <= now)
    .sort(newestFirst);
  if (activated.length) return activated[0];
  const waiting = open.sort(newestFirst);
  return waiting.length ? waiting[waiting.length - 1] : null;
}

/** The status an admin sees for `row` at `now`. */
export function keyStatus(
  row: Row,
  rows: readonly Row[],
  now: Epoch,
): KeyStatus {
  if (hasEnded(row, now)) return "retired";
  if (activatesAt(row) <= now) return "active";
  return signerOf(rows, row.alg, now)?.kid === row.kid ? "active" : "pending";
}

/**
 * Which user claims a set of granted scopes releases: each scope row lists
 * its claims (OIDC Core §5.4 for the standard ones); nothing is hard-coded
 * beyond how a claim is read from the user.
 * @module
 */
import { findScopes } from "../db/scopes.ts";
import type { DB, ScopeRow } from "../db/schema.ts";
import type { TokenUser } from "../db/tokens.ts";

/** Every claim value the user has, by claim name. */
export function availableClaims(user: TokenUser): Record<string, unknown> {
  let extra: Record<string, unknown> = {};
  try {
    extra = JSON.parse(user.claims) ?? {};
  } catch {
    extra = {};
  }
  const claims: Record<string, unknown> = {
    preferred_username: user.username,
    ...extra,
    updated_at: user.updated_at,
  };
  if (user.email !== null) {
    claims.email = user.email;
    claims.email_verified = user.email_verified === 1;
  }
  return claims;
}

/** Each scope row's parsed claim list (rows are cached until changed). */
const parsedClaims = new WeakMap<ScopeRow, string[]>();

function scopeClaims(row: ScopeRow): string[] {
  let claims = parsedClaims.get(row);
  if (!claims) {
    claims = JSON.parse(row.claims) as string[];
    parsedClaims.set(row, claims);
  }
  return claims;
}

/** The claim names released by `scopes`, read from the scopes table. */
export async function claimNamesForScopes(
  db: DB,
  scopes: readonly string[],
): Promise<Set<string>> {
  const rows = await findScopes(db, scopes);
  const names = new Set<string>();
  for (const row of rows) {
    for (const c of scopeClaims(row)) names.add(c);
  }
  return names;
}

/** `sub` plus each released claim the user has a value for. */
export async function claimsForScopes(
  db: DB,
  user: TokenUser,
  scopes: readonly string[],
): Promise<Record<string, unknown>> {
  const names = await claimNamesForScopes(db, scopes);
  const all = availableClaims(user);
  const out: Record<string, unknown> = { sub: user.id };
  for (const name of names) {
    if (name === "sub") continue;
    const value = all[name];
    if (value !== undefined && value !== null && value !== "") {
      out[name] = value;
    }
  }
  return out;
}

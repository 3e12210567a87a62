/**
 * Account settings the admin chooses (admin API `/admin/account_settings`,
 * the admin Accounts page): which profile claims people may edit
 * themselves on /account. Read from the database on each account page
 * (never cached: nothing to invalidate across threads).
 * @module
 */
import { findSetting, upsertSetting } from "../db/settings.ts";
import type { DB } from "../db/schema.ts";
import type { MessageKey } from "../i18n/messages.ts";

const EDITABLE_CLAIMS_KEY = "account.editable_claims";

/** What a fresh server lets people edit. */
export const DEFAULT_EDITABLE_CLAIMS = [
  "name",
  "given_name",
  "family_name",
  "nickname",
  "email",
  "locale",
  "zoneinfo",
];

/** Labels for the standard claims (OIDC Core §5.1); others show their name. */
export const CLAIM_LABELS: Readonly<Record<string, MessageKey>> = {
  name: "claim.name",
  given_name: "claim.given_name",
  family_name: "claim.family_name",
  middle_name: "claim.middle_name",
  nickname: "claim.nickname",
  preferred_username: "claim.preferred_username",
  profile: "claim.profile",
  picture: "claim.picture",
  website: "claim.website",
  email: "claim.email",
  gender: "claim.gender",
  birthdate: "claim.birthdate",
  zoneinfo: "claim.zoneinfo",
  locale: "claim.locale",
  phone_number: "claim.phone_number",
};

/** The claims people may edit, in the admin's order. */
export async function editableClaims(db: DB): Promise<string[]> {
  const raw = await findSetting(db, EDITABLE_CLAIMS_KEY);
  if (raw === null) return [...DEFAULT_EDITABLE_CLAIMS];
  try {
    const list = JSON.parse(raw);
    return Array.isArray(list)
      ? list.filter((c): c is string => typeof c === "string")
      : [];
  } catch {
    return [];
  }
}

export async function setEditableClaims(
  db: DB,
  claims: string[],
  now: number,
): Promise<void> {
  await upsertSetting(db, EDITABLE_CLAIMS_KEY, JSON.stringify(claims), now);
}

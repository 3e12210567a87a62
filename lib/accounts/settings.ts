/**
 * Account settings the admin chooses (admin API `/admin/account_settings`,
 * the admin Accounts page): which profile claims people may edit
 * themselves on /account. Read from the database on each account page
 * (never cached: nothing to invalidate across threads).
 * @module
 */
import { findSetting, upsertSetting } from "../db/settings.ts";
import type { DB } from "../db/schema.ts";

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
export const CLAIM_LABELS: Record<string, string> = {
  name: "Full name",
  given_name: "First name",
  family_name: "Last name",
  middle_name: "Middle name",
  nickname: "Nickname",
  preferred_username: "Preferred username",
  profile: "Profile page",
  picture: "Picture URL",
  website: "Website",
  email: "Email address",
  gender: "Gender",
  birthdate: "Birthdate",
  zoneinfo: "Time zone",
  locale: "Language",
  phone_number: "Phone number",
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

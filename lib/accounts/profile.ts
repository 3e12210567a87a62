/**
 * A person's own profile on /account: the claims the admin lets them edit
 * (lib/accounts/settings.ts) and nothing else, whatever the form posts. A
 * new email address is unverified until its link is opened (a link is
 * mailed to it when mail is on), and the old address is told.
 * @module
 */
import type { UserRow } from "../db/schema.ts";
import { updateUser } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import { type Message, message, type MessageKey } from "../i18n/messages.ts";
import { sendVerificationMail } from "./mails.ts";
import { notifyAccountChange, recordAccountEvent } from "./notify.ts";
import { CLAIM_LABELS, editableClaims } from "./settings.ts";

/** Longest value of an editable claim (URLs included). */
const MAX_CLAIM_LENGTH = 2000;
const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

export interface ProfileField {
  name: string;
  /** The label of a standard claim; others are labelled by their name. */
  label: MessageKey | null;
  value: string;
}

export interface ProfileView {
  username: string;
  email: string | null;
  emailVerified: boolean;
  fields: ProfileField[];
}

function claimsOf(user: UserRow): Record<string, unknown> {
  try {
    return JSON.parse(user.claims) ?? {};
  } catch {
    return {};
  }
}

/** The editable fields with the user's values. */
export async function profileView(
  deps: Deps,
  user: UserRow,
): Promise<ProfileView> {
  const claims = claimsOf(user);
  const fields = (await editableClaims(deps.db)).map((name) => ({
    name,
    label: Object.hasOwn(CLAIM_LABELS, name) ? CLAIM_LABELS[name] : null,
    value: name === "email"
      ? user.email ?? ""
      : typeof claims[name] === "string"
      ? claims[name] as string
      : claims[name] === undefined
      ? ""
      : JSON.stringify(claims[name]),
  }));
  return {
    username: user.username,
    email: user.email,
    emailVerified: user.email_verified === 1,
    fields,
  };
}

export type ProfileResult =
  | { ok: true; changed: string[]; verificationSent: boolean }
  | { ok: false; errors: Record<string, Message> };

/**
 * Applies the posted form (`claim.<name>` fields) to the editable claims;
 * any other field is ignored. An emptied field removes the claim.
 */
export async function updateProfile(
  deps: Deps,
  user: UserRow,
  form: URLSearchParams,
  ip: string | null,
): Promise<ProfileResult> {
  const allowed = await editableClaims(deps.db);
  const claims = claimsOf(user);
  const errors: Record<string, Message> = {};
  const changed: string[] = [];
  let email = user.email;
  for (const name of allowed) {
    const posted = form.get(`claim.${name}`);
    if (posted === null) continue;
    const value = posted.trim();
    if (value.length > MAX_CLAIM_LENGTH || value.includes("\0")) {
      errors[name] = message("field.too_long", { max: MAX_CLAIM_LENGTH });
      continue;
    }
    if (name === "email") {
      if (value !== "" && (!EMAIL.test(value) || value.length > 254)) {
        errors[name] = message("field.not_email");
      } else if ((value || null) !== user.email) {
        email = value || null;
        changed.push(name);
      }
      continue;
    }
    const before = typeof claims[name] === "string" ? claims[name] : undefined;
    if ((value || undefined) === before) continue;
    if (value === "") delete claims[name];
    else claims[name] = value;
    changed.push(name);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  if (changed.length === 0) {
    return { ok: true, changed, verificationSent: false };
  }
  const now = deps.now();
  const emailChanged = email !== user.email;
  const updated: UserRow = {
    ...user,
    claims: JSON.stringify(claims),
    email,
    email_verified: emailChanged ? 0 : user.email_verified,
    updated_at: now,
  };
  await deps.db.transaction().execute(async (trx) => {
    await updateUser(trx, user.id, {
      claims: updated.claims,
      email: updated.email,
      email_verified: updated.email_verified,
      updated_at: now,
    });
    await recordAccountEvent(trx, user, "account.profile_updated", {
      ip,
      detail: { changed },
    }, now);
  });
  let verificationSent = false;
  if (emailChanged) {
    // The old, verified address hears of it: a stolen session cannot move
    // the account to a new address unnoticed.
    if (user.email && user.email_verified === 1) {
      notifyAccountChange(deps, user, "email_changed", ip, {
        to: user.email,
      });
    }
    verificationSent = await sendVerificationMail(deps, updated, "account");
  }
  if (changed.some((c) => c !== "email")) {
    notifyAccountChange(deps, updated, "profile_updated", ip);
  }
  return { ok: true, changed, verificationSent };
}

/**
 * Self-service accounts through the admin API: the account settings
 * (which claims people may edit; the registration mode and whether mail
 * is on, both from the environment), invitations to register (issued,
 * listed, withdrawn; the link is shown once), and the mails an admin can
 * send a user (a password reset link, an address confirmation). Every
 * change is an audit event.
 * @module
 */
import { sendResetMail, sendVerificationMail } from "../accounts/mails.ts";
import {
  createInvite,
  type InviteView,
  type IssuedInvite,
  listInvites,
  withdrawInvite,
} from "../accounts/registration.ts";
import { editableClaims, setEditableClaims } from "../accounts/settings.ts";
import type { RegistrationMode } from "../config.ts";
import { findUserByID } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import { HttpError } from "../http/http_error.ts";
import { parseWith } from "../http/json_body.ts";
import { type AdminActor, notFound } from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";
import { AccountSettingsUpdate, InviteCreate } from "./schemas.ts";

export interface AccountSettingsView {
  /** Claims people may edit on /account (`email` included when allowed). */
  editable_claims: string[];
  /** REGISTRATION (set in the environment). */
  registration: RegistrationMode;
  /** Whether SMTP_URL and MAIL_FROM are set. */
  mail: boolean;
}

export async function accountSettingsView(
  deps: Deps,
): Promise<AccountSettingsView> {
  return {
    editable_claims: await editableClaims(deps.db),
    registration: deps.config.registration,
    mail: deps.mail.enabled,
  };
}

export async function updateAccountSettings(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<AccountSettingsView> {
  const input = parseWith(AccountSettingsUpdate, body);
  const now = deps.now();
  if (input.editable_claims !== undefined) {
    const claims = input.editable_claims;
    await deps.db.transaction().execute(async (trx) => {
      await setEditableClaims(trx, claims, now);
      await recordAdminEvent(trx, who, {
        action: "account_settings.updated",
        targetType: "account_settings",
        targetID: null,
        detail: { editable_claims: claims },
      }, now);
    });
  }
  return await accountSettingsView(deps);
}

export async function listInviteViews(deps: Deps): Promise<InviteView[]> {
  return await listInvites(deps);
}

/** Issues an invitation; 409 while registration is not by invitation. */
export async function issueInvite(
  deps: Deps,
  who: AdminActor,
  body: unknown,
): Promise<IssuedInvite> {
  const input = parseWith(InviteCreate, body ?? {});
  if (deps.config.registration !== "invite") {
    throw new HttpError(
      409,
      `invitations work only with REGISTRATION=invite (it is ${deps.config.registration})`,
    );
  }
  const invite = await createInvite(deps, {
    email: input.email ?? null,
    lifetimeDays: input.expires_in_days,
    createdBy: who.actor,
  });
  await recordAdminEvent(deps.db, who, {
    action: "invite.created",
    targetType: "invite",
    targetID: invite.id,
    detail: { email: invite.email, mailed: invite.mailed },
  }, deps.now());
  return invite;
}

export async function deleteInvite(
  deps: Deps,
  who: AdminActor,
  id: string,
): Promise<void> {
  if (!(await withdrawInvite(deps, id))) throw notFound("invite", id);
  await recordAdminEvent(deps.db, who, {
    action: "invite.withdrawn",
    targetType: "invite",
    targetID: id,
  }, deps.now());
}

export interface MailSent {
  /** Where it went (the user's address). */
  to: string;
}

/** The user, and its address, for a mail; 404 / 409 otherwise. */
async function mailableUser(deps: Deps, userID: string) {
  const user = await findUserByID(deps.db, userID);
  if (!user) throw notFound("user", userID);
  if (!deps.mail.enabled) {
    throw new HttpError(
      409,
      "mail is not configured on this server (set SMTP_URL and MAIL_FROM)",
    );
  }
  if (!user.email) {
    throw new HttpError(409, `user ${user.username} has no email address`);
  }
  return { user, email: user.email };
}

/** The admin's "send password reset": a reset link to the user's address. */
export async function sendUserResetMail(
  deps: Deps,
  who: AdminActor,
  userID: string,
): Promise<MailSent> {
  const { user, email } = await mailableUser(deps, userID);
  await sendResetMail(deps, user, who.actor);
  await recordAdminEvent(deps.db, who, {
    action: "user.reset_mail_sent",
    targetType: "user",
    targetID: userID,
  }, deps.now());
  return { to: email };
}

/** A fresh confirmation link to the user's (unverified) address. */
export async function sendUserVerificationMail(
  deps: Deps,
  who: AdminActor,
  userID: string,
): Promise<MailSent> {
  const { user, email } = await mailableUser(deps, userID);
  if (user.email_verified === 1) {
    throw new HttpError(409, `${email} is confirmed already`);
  }
  // The admin is not budgeted like a person asking for their own link.
  await sendVerificationMail(deps, user, who.actor);
  await recordAdminEvent(deps.db, who, {
    action: "user.verification_mail_sent",
    targetType: "user",
    targetID: userID,
  }, deps.now());
  return { to: email };
}

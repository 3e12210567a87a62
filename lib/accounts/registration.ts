/**
 * Self-registration (REGISTRATION): `off` (accounts only from the admin),
 * `open` (anyone), `invite` (a single-use link the admin issues, optionally
 * bound to an address). Every attempt counts against the address's
 * registration budget before anything is checked; a registration is one
 * transaction that uses the invitation and creates the account, so an
 * invitation makes one account however many people post it at once.
 *
 * With mail configured the new account cannot sign in until its address
 * is verified (a link is mailed at once); an invitation that was mailed to
 * the address it is bound to already proved that address. Without mail
 * the account signs in at once with `email_verified` false.
 * @module
 */
import { isUniqueViolation } from "../db/errors.ts";
import {
  deleteAccountToken,
  listLiveAccountTokens,
} from "../db/account_tokens.ts";
import type { AccountTokenRow, UserRow } from "../db/schema.ts";
import { findUserByCanonicalUsername, insertUser } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import type { Locale } from "../i18n/locales.ts";
import { type Message, message } from "../i18n/messages.ts";
import { accountRegistrationCounters } from "../security/budget_counters.ts";
import { hashPassword } from "../security/password.ts";
import {
  canonicalUsername,
  type UsernameIssue,
  usernameIssue,
} from "../username.ts";
import { newUserRow } from "../users.ts";
import {
  REGISTER_PATH,
  sendInviteMail,
  sendVerificationMail,
  tokenLink,
} from "./mails.ts";
import { recordAccountEvent } from "./notify.ts";
import { passwordProblem } from "./passwords.ts";
import {
  issueAccountToken,
  peekAccountToken,
  TOKEN_LIFETIME,
  useAccountToken,
} from "./tokens.ts";

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;

export interface RegistrationInput {
  username: string;
  email: string;
  password: string;
  /** The invitation token (REGISTRATION=invite). */
  invite?: string | null;
  /** The form's language (the confirmation mail's). */
  locale?: Locale;
}

export type RegistrationResult =
  | {
    ok: true;
    user: UserRow;
    /** False: the account waits for its address's verification link. */
    canSignIn: boolean;
  }
  | {
    ok: false;
    status: number;
    /** Field name -> what is wrong; `""` is about the whole form. */
    errors: Record<string, Message>;
    retryAfter?: number;
  };

/** What the form says about a username that breaks a rule. */
const USERNAME_MESSAGES = {
  empty: "username.empty",
  invisible: "username.invisible",
  space: "username.space",
  too_long: "username.too_long",
} as const satisfies Record<UsernameIssue, string>;

function refused(
  status: number,
  errors: Record<string, Message>,
  retryAfter?: number,
): RegistrationResult {
  return { ok: false, status, errors, retryAfter };
}

/** An invitation the form may be showing (REGISTRATION=invite). */
export async function liveInvite(
  deps: Deps,
  token: string | null | undefined,
): Promise<AccountTokenRow | null> {
  return await peekAccountToken(deps.db, "invite", token, deps.now());
}

/** The first problem of each field, before anything is written. */
function fieldProblems(
  deps: Deps,
  input: RegistrationInput,
  invite: AccountTokenRow | null,
): Record<string, Message> {
  const errors: Record<string, Message> = {};
  const nameIssue = usernameIssue(input.username);
  if (nameIssue) errors.username = message(USERNAME_MESSAGES[nameIssue]);
  const email = input.email.trim();
  if (email === "") {
    if (deps.mail.enabled) errors.email = message("register.email_needed");
  } else if (!EMAIL.test(email) || email.length > 254) {
    errors.email = message("field.not_email");
  } else if (
    invite?.email && invite.email.toLowerCase() !== email.toLowerCase()
  ) {
    errors.email = message("register.invite_other_address");
  }
  const weak = passwordProblem(input.password, input.username);
  if (weak) errors.password = weak;
  return errors;
}

/**
 * Creates an account from the registration form, or says why not. The
 * caller signs the new account in when `canSignIn`.
 */
export async function register(
  deps: Deps,
  input: RegistrationInput,
  ip: string | null,
): Promise<RegistrationResult> {
  const mode = deps.config.registration;
  if (mode === "off") {
    return refused(404, { "": message("register.off") });
  }
  const admission = await deps.budgets.begin(
    accountRegistrationCounters(ip),
    deps.now() * 1000,
  );
  if (!admission.ok) {
    return refused(
      429,
      { "": message("register.limited") },
      admission.retryAfter,
    );
  }
  // Every attempt spends the budget: the form also tells whether a name
  // is taken, and that must not be asked without limit.
  await admission.attempt.failed();
  const invite = mode === "invite"
    ? await liveInvite(deps, input.invite)
    : null;
  if (mode === "invite" && !invite) {
    return refused(403, { invite: message("register.invite_invalid") });
  }
  const errors = fieldProblems(deps, input, invite);
  if (Object.keys(errors).length > 0) return refused(400, errors);
  const canonical = canonicalUsername(input.username);
  const taken = () =>
    refused(409, { username: message("register.username_taken") });
  if (await findUserByCanonicalUsername(deps.db, canonical)) return taken();
  const email = input.email.trim() || null;
  // A mailed invitation bound to this address proves the address.
  const proven = invite?.email !== null && invite?.email !== undefined &&
    deps.mail.enabled;
  const waits = deps.mail.enabled && email !== null && !proven;
  const now = deps.now();
  const user = newUserRow({
    username: input.username,
    passwordHash: await hashPassword(input.password),
    email,
    emailVerified: proven,
    verifyBeforeSignIn: waits,
  }, now);
  try {
    const created = await deps.db.transaction().execute(async (trx) => {
      if (await findUserByCanonicalUsername(trx, canonical)) return "taken";
      if (
        invite && !(await useAccountToken(trx, "invite", input.invite, now))
      ) {
        return "invite";
      }
      await insertUser(trx, user);
      await recordAccountEvent(trx, user, "account.registered", {
        ip,
        detail: { via: mode, invite_id: invite?.id ?? null },
      }, now);
      return "created";
    });
    if (created === "taken") return taken();
    if (created === "invite") {
      return refused(403, { invite: message("register.invite_just_used") });
    }
  } catch (err) {
    if (isUniqueViolation(err)) return taken();
    throw err;
  }
  if (waits) {
    await sendVerificationMail(deps, user, "registration", {
      locale: input.locale,
    });
  }
  return { ok: true, user, canSignIn: !waits };
}

export interface InviteView {
  id: string;
  email: string | null;
  created_by: string;
  created_at: number;
  expires_at: number;
}

export interface IssuedInvite extends InviteView {
  /** The link to hand out; shown this once. */
  url: string;
  /** Whether it was mailed to `email`. */
  mailed: boolean;
}

function inviteView(row: AccountTokenRow): InviteView {
  return {
    id: row.id,
    email: row.email,
    created_by: row.created_by,
    created_at: row.created_at,
    expires_at: row.expires_at,
  };
}

/**
 * Issues an invitation link (mailed when it names an address and mail is
 * on). `lifetimeDays` defaults to 7.
 */
export async function createInvite(
  deps: Deps,
  input: { email?: string | null; lifetimeDays?: number; createdBy: string },
): Promise<IssuedInvite> {
  const issued = await issueAccountToken(deps.db, {
    purpose: "invite",
    userID: null,
    email: input.email ?? null,
    createdBy: input.createdBy,
    lifetime: input.lifetimeDays !== undefined
      ? input.lifetimeDays * 24 * 3600
      : TOKEN_LIFETIME.invite,
  }, deps.now());
  const mailed = input.email
    ? sendInviteMail(deps, input.email, issued.token, issued.row.expires_at)
    : false;
  return {
    ...inviteView(issued.row),
    url: tokenLink(deps, REGISTER_PATH, "invite", issued.token),
    mailed,
  };
}

/** Invitations still usable, newest first. */
export async function listInvites(deps: Deps): Promise<InviteView[]> {
  return (await listLiveAccountTokens(deps.db, "invite", deps.now())).map(
    inviteView,
  );
}

/** Withdraws an invitation; false when there is none. */
export async function withdrawInvite(deps: Deps, id: string): Promise<boolean> {
  return await deleteAccountToken(deps.db, "invite", id);
}

/**
 * Passkeys (WebAuthn Level 3) with @simplewebauthn/server: registration on
 * /account/security and assertions at sign-in, as the first and only
 * factor (usernameless: discoverable credentials, user verification
 * required) or as a second factor after a password. Credentials keep their
 * counter and backup state; a synced (backup-eligible) passkey is a
 * software-secured key in `amr`, a device-bound one hardware-secured.
 * Every assertion is counted against the passkey budgets before its
 * signature is checked, and its challenge is used once.
 * @module
 */
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from "@simplewebauthn/server";
import { z } from "zod";
import { insertAuditEvent } from "../../db/audit_events.ts";
import {
  findCredential,
  insertCredential,
  listCredentials,
  recordCredentialUse,
} from "../../db/factors.ts";
import type { UserRow, WebAuthnCredentialRow } from "../../db/schema.ts";
import { findUserByID } from "../../db/users.ts";
import type { Deps } from "../../deps.ts";
import { type Message, message } from "../../i18n/messages.ts";
import { passkeyCounters } from "../../security/budget_counters.ts";
import { base64url, fromBase64url } from "../../security/crypto.ts";
import { type AMR, passkeyAMR } from "../factors/levels.ts";
import {
  CHALLENGE_LIFETIME,
  challengeValid,
  consumeChallenge,
  issueChallenge,
} from "./challenges.ts";
import { type RelyingParty, relyingParty } from "./relying_party.ts";

type ReadyRP = Extract<RelyingParty, { available: true }>;

/** COSE algorithms offered at registration: ES256, EdDSA, RS256. */
const ALGORITHMS = [-7, -8, -257];
/** The longest name a person may give a passkey. */
export const MAX_PASSKEY_NAME = 60;
/** A posted WebAuthn response larger than this is no response of ours. */
const MAX_RESPONSE_LENGTH = 16_384;

const base64urlString = z.string().max(8192).regex(/^[A-Za-z0-9_-]*$/);

/** WebAuthn §5.2.2 AuthenticatorAssertionResponse, as JSON. */
const AssertionJSON = z.object({
  id: base64urlString.min(1),
  rawId: base64urlString.min(1),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64urlString,
    authenticatorData: base64urlString,
    signature: base64urlString,
    userHandle: base64urlString.optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

/** WebAuthn §5.2.1 AuthenticatorAttestationResponse, as JSON. */
const AttestationJSON = z.object({
  id: base64urlString.min(1),
  rawId: base64urlString.min(1),
  type: z.literal("public-key"),
  response: z.object({
    clientDataJSON: base64urlString,
    attestationObject: base64urlString,
    transports: z.array(z.string().max(32)).max(8).optional(),
  }),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
});

function parseJSON<T>(schema: z.ZodType<T>, text: string): T | null {
  if (text.length === 0 || text.length > MAX_RESPONSE_LENGTH) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The relying party of this server (from ISSUER). */
export function serverRelyingParty(deps: Deps): RelyingParty {
  return relyingParty(deps.config.issuer);
}

/** WebAuthn user.id (§5.4.3 user handle): the user's id, which holds no personal data. */
function userHandle(userID: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(userID);
}

function transportsOf(row: WebAuthnCredentialRow): string[] {
  try {
    const list = JSON.parse(row.transports);
    return Array.isArray(list) ? list.filter((t) => typeof t === "string") : [];
  } catch {
    return [];
  }
}

// ------------------------------------------------------------ registration

/**
 * Options for `navigator.credentials.create()`: a discoverable credential
 * (residentKey required, so it can sign in without a username) with user
 * verification, none of the user's existing passkeys again.
 */
export async function registrationOptions(
  deps: Deps,
  rp: ReadyRP,
  user: UserRow,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await listCredentials(deps.db, user.id);
  return await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: user.username,
    userID: userHandle(user.id),
    userDisplayName: user.username,
    challenge: await issueChallenge(
      deps.appSecret,
      "webauthn.create",
      user.id,
      deps.now(),
    ),
    timeout: CHALLENGE_LIFETIME * 1000,
    attestationType: "none",
    excludeCredentials: existing.map((c) => ({
      id: c.credential_id,
      transports: transportsOf(c),
    })),
    authenticatorSelection: {
      residentKey: "required",
      userVerification: "required",
    },
    supportedAlgorithmIDs: ALGORITHMS,
  });
}

export type RegistrationResult =
  | { ok: true; credential: WebAuthnCredentialRow }
  | { ok: false; error: Message };

/** Verifies a registration response and stores the new passkey under `name`. */
export async function registerPasskey(
  deps: Deps,
  rp: ReadyRP,
  user: UserRow,
  responseText: string,
  name: string,
  ip: string | null,
): Promise<RegistrationResult> {
  const response = parseJSON(AttestationJSON, responseText);
  if (!response) {
    return { ok: false, error: message("passkey.error.unreadable") };
  }
  const now = deps.now();
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response: response as RegistrationResponseJSON,
      expectedChallenge: (c) =>
        challengeValid(deps.appSecret, "webauthn.create", user.id, c, now),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: true,
      supportedAlgorithmIDs: ALGORITHMS,
    });
  } catch {
    verified = null;
  }
  if (!verified?.verified) {
    return {
      ok: false,
      error: message("passkey.error.unverified_reload"),
    };
  }
  const challenge = JSON.parse(
    new TextDecoder().decode(fromBase64url(response.response.clientDataJSON)),
  ).challenge as string;
  if (!(await consumeChallenge(deps.kv, challenge, now))) {
    return {
      ok: false,
      error: message("passkey.error.replayed"),
    };
  }
  const info = verified.registrationInfo;
  if (await findCredential(deps.db, info.credential.id)) {
    return { ok: false, error: message("passkey.error.registered") };
  }
  const row: WebAuthnCredentialRow = {
    credential_id: info.credential.id,
    user_id: user.id,
    name: name.trim().slice(0, MAX_PASSKEY_NAME) || "Passkey",
    public_key: base64url(info.credential.publicKey),
    counter: info.credential.counter,
    transports: JSON.stringify(info.credential.transports ?? []),
    device_type: info.credentialDeviceType,
    backed_up: info.credentialBackedUp ? 1 : 0,
    aaguid: info.aaguid,
    created_at: now,
    last_used_at: null,
  };
  await deps.db.transaction().execute(async (trx) => {
    await insertCredential(trx, row);
    await insertAuditEvent(trx, {
      actor: `user:${user.username_canonical}`,
      action: "passkey.registered",
      targetType: "account",
      targetID: user.id,
      ip,
      detail: {
        name: row.name,
        device_type: row.device_type,
        backed_up: row.backed_up === 1,
      },
    }, now);
  });
  return { ok: true, credential: row };
}

// ----------------------------------------------------------- authentication

/**
 * Options for `navigator.credentials.get()`: any discoverable credential
 * (sign-in, conditional UI), or the user's own (`allow`, second factor).
 */
export async function authenticationOptions(
  deps: Deps,
  rp: ReadyRP,
  allow: WebAuthnCredentialRow[] = [],
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  return await generateAuthenticationOptions({
    rpID: rp.id,
    challenge: await issueChallenge(
      deps.appSecret,
      "webauthn.get",
      "",
      deps.now(),
    ),
    timeout: CHALLENGE_LIFETIME * 1000,
    userVerification: "required",
    allowCredentials: allow.map((c) => ({
      id: c.credential_id,
      transports: transportsOf(c),
    })),
  });
}

export type AssertionResult =
  | {
    ok: true;
    user: UserRow;
    credential: WebAuthnCredentialRow;
    amr: AMR[];
  }
  | { ok: false; reason: "invalid" | "limited"; retryAfter?: number };

export interface AssertionOptions {
  ip: string | null;
  clientID?: string;
}

/** The credential and its user, when the response names a live one. */
async function credentialOf(
  deps: Deps,
  response: AuthenticationResponseJSON,
): Promise<{ row: WebAuthnCredentialRow; user: UserRow } | null> {
  const row = await findCredential(deps.db, response.id);
  if (!row) return null;
  // WebAuthn §7.2 step 6: the user handle, when given, must be the
  // credential's owner.
  const handle = response.response.userHandle;
  if (handle && handle !== base64url(userHandle(row.user_id))) return null;
  const user = await findUserByID(deps.db, row.user_id);
  return user ? { row, user } : null;
}

/** Checks the signature, counter, origin, RP ID, flags and challenge. */
async function assertionHolds(
  deps: Deps,
  rp: ReadyRP,
  response: AuthenticationResponseJSON,
  row: WebAuthnCredentialRow,
): Promise<{ counter: number; backedUp: boolean } | null> {
  const now = deps.now();
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response,
      expectedChallenge: (c) =>
        challengeValid(deps.appSecret, "webauthn.get", "", c, now),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: row.credential_id,
        publicKey: fromBase64url(row.public_key),
        counter: row.counter,
        transports: transportsOf(row),
      },
      requireUserVerification: true,
    });
  } catch {
    return null;
  }
  if (!verified.verified) return null;
  const challenge = JSON.parse(
    new TextDecoder().decode(fromBase64url(response.response.clientDataJSON)),
  ).challenge as string;
  if (!(await consumeChallenge(deps.kv, challenge, now))) return null;
  return {
    counter: verified.authenticationInfo.newCounter,
    backedUp: verified.authenticationInfo.credentialBackedUp,
  };
}

/**
 * Verifies a passkey assertion posted by the sign-in or second-factor
 * page: the attempt is admitted by the budgets (per address, and per
 * account once the credential is known) before the signature is checked.
 */
export async function verifyPasskeyAssertion(
  deps: Deps,
  rp: ReadyRP,
  responseText: string,
  options: AssertionOptions,
): Promise<AssertionResult> {
  const now = deps.now();
  const response = parseJSON(AssertionJSON, responseText) as
    | AuthenticationResponseJSON
    | null;
  const found = response ? await credentialOf(deps, response) : null;
  const admission = await deps.budgets.begin(
    passkeyCounters(found?.user.id ?? null, options.ip),
    now * 1000,
  );
  if (!admission.ok) {
    return { ok: false, reason: "limited", retryAfter: admission.retryAfter };
  }
  const held = response && found
    ? await assertionHolds(deps, rp, response, found.row)
    : null;
  const ok = held !== null && found !== null && found.user.disabled === 0;
  if (ok) await admission.attempt.succeeded();
  else await admission.attempt.failed();
  await insertAuditEvent(deps.db, {
    actor: found ? `user:${found.user.username_canonical}` : "user:unknown",
    action: ok ? "sign_in.succeeded" : "sign_in.failed",
    targetType: "sign_in",
    targetID: found?.user.id ?? null,
    ip: options.ip,
    detail: {
      method: "passkey",
      passkey: found?.row.name ?? null,
      client_id: options.clientID?.slice(0, 255) ?? null,
      ...(ok ? {} : {
        reason: !found
          ? "unknown_passkey"
          : held
          ? "disabled"
          : "assertion_failed",
      }),
    },
  }, now);
  if (!ok) return { ok: false, reason: "invalid" };
  await recordCredentialUse(deps.db, found.row.credential_id, {
    counter: held.counter,
    backedUp: held.backedUp,
    now,
  });
  // The backup-eligible device type, not the current backup state: a
  // synced passkey is a software-secured key even before its first sync.
  const synced = found.row.device_type === "multiDevice";
  return {
    ok: true,
    user: found.user,
    credential: { ...found.row, counter: held.counter, last_used_at: now },
    amr: passkeyAMR(synced),
  };
}

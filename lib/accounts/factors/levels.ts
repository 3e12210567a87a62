/**
 * How a person authenticated, and what that is worth: the RFC 8176
 * Authentication Method Reference values a sign-in collects (`amr`), the
 * authentication context classes they reach (`acr`, OIDC Core §2), ordered
 * from weakest to strongest, and whether a session satisfies what a client
 * asks for (its policy's "second factor required", or `acr_values`).
 *
 * The classes: a password alone, multi-factor, and the two
 * phishing-resistant classes of OpenID Connect Extended Authentication
 * Profile ACR Values 1.0 (`phr`; `phrh` when the key is also bound to
 * hardware). A passkey with user verification is multi-factor (possession
 * of the key, plus the PIN or biometric that unlocks it) and phishing
 * resistant (the browser binds it to our origin).
 * @module
 */

/** RFC 8176 §2 values this server emits. */
export type AMR = "pwd" | "otp" | "hwk" | "swk" | "user" | "mfa";

export const ACR_PASSWORD = "urn:authorization-server:acr:password";
export const ACR_MFA = "urn:authorization-server:acr:mfa";
/** OpenID EAP ACR Values 1.0 §2: phishing-resistant. */
export const ACR_PHISHING_RESISTANT = "phr";
/** OpenID EAP ACR Values 1.0 §2: phishing-resistant, hardware-protected. */
export const ACR_PHISHING_RESISTANT_HARDWARE = "phrh";

/** Every class, weakest first: discovery's `acr_values_supported`. */
export const ACR_VALUES = [
  ACR_PASSWORD,
  ACR_MFA,
  ACR_PHISHING_RESISTANT,
  ACR_PHISHING_RESISTANT_HARDWARE,
] as const;
export type ACR = (typeof ACR_VALUES)[number];

/** The order amr values are written in (sessions, ID tokens). */
const AMR_ORDER: readonly AMR[] = ["pwd", "otp", "hwk", "swk", "user", "mfa"];

export function isACR(value: string): value is ACR {
  return (ACR_VALUES as readonly string[]).includes(value);
}

/** A class's rank: higher satisfies lower. */
export function rankOf(acr: ACR): number {
  return ACR_VALUES.indexOf(acr);
}

/** amr as stored (space-separated) to a list; unknown words are dropped. */
export function parseAMR(stored: string): AMR[] {
  const words = stored.split(" ");
  return AMR_ORDER.filter((v) => words.includes(v));
}

/**
 * The methods of a sign-in plus those of another step, in canonical order,
 * with `mfa` once two different factors are in (RFC 8176 §2: "mfa ...
 * Multiple-factor authentication"): a knowledge factor (pwd) and a
 * possession factor (otp, hwk, swk).
 */
export function combineAMR(...lists: readonly AMR[][]): AMR[] {
  const all = new Set(lists.flat());
  const knows = all.has("pwd");
  const has = all.has("otp") || all.has("hwk") || all.has("swk");
  if (knows && has) all.add("mfa");
  return AMR_ORDER.filter((v) => all.has(v));
}

/** The methods of a password sign-in. */
export const PASSWORD_AMR: AMR[] = ["pwd"];
/** The methods of a TOTP code or a recovery code (a one-time password). */
export const OTP_AMR: AMR[] = ["otp"];

/**
 * The methods of a passkey assertion with user verification: the key
 * (hardware-bound when the credential cannot be backed up, `hwk`; a synced
 * passkey is a software-secured key, `swk`), the user's presence and, as
 * the authenticator verified the user, multi-factor.
 */
export function passkeyAMR(backupEligible: boolean): AMR[] {
  return [backupEligible ? "swk" : "hwk", "user", "mfa"];
}

/** The class a passkey sign-in reaches (see passkeyAMR). */
export function passkeyACR(backupEligible: boolean): ACR {
  return acrOf(passkeyAMR(backupEligible));
}

/** The strongest class a set of methods reaches. */
export function acrOf(amr: readonly AMR[]): ACR {
  if (amr.includes("hwk")) return ACR_PHISHING_RESISTANT_HARDWARE;
  if (amr.includes("swk")) return ACR_PHISHING_RESISTANT;
  if (amr.includes("mfa")) return ACR_MFA;
  return ACR_PASSWORD;
}

/**
 * What a request needs: the weakest of the classes it asked for (they are
 * alternatives, OIDC Core §3.1.2.1 "in order of preference"), raised to
 * multi-factor when the client's policy requires a second factor.
 */
export function requiredACR(
  acrValues: readonly string[],
  requireSecondFactor: boolean,
): ACR {
  const known = acrValues.filter(isACR);
  let rank = known.length
    ? Math.min(...known.map(rankOf))
    : rankOf(ACR_PASSWORD);
  if (requireSecondFactor) rank = Math.max(rank, rankOf(ACR_MFA));
  return ACR_VALUES[rank];
}

/** Whether a session's class is at least `required`. */
export function satisfies(have: ACR, required: ACR): boolean {
  return rankOf(have) >= rankOf(required);
}

/**
 * The `acr` an ID token carries. Asked nothing: the session's own class.
 * Asked: the first class asked for that the session satisfies (OIDC Core
 * §5.5.1.1: "the acr value SHOULD be one of the requested values"), so a
 * client comparing strings sees a value it asked for; when none of the
 * values asked is one of ours, none (the claim was voluntary).
 */
export function answeredACR(
  have: ACR,
  acrValues: readonly string[],
): ACR | null {
  if (acrValues.length === 0) return have;
  return acrValues.filter(isACR).find((v) => satisfies(have, v)) ?? null;
}

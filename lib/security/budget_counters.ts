/**
 * Which failure budgets (lib/security/rate_limit.ts) each kind of attempt
 * counts against, in the order they are checked: the one an attacker can
 * least multiply (the address) first, so an attempt refused there leaves
 * nothing on the account or client it named.
 * @module
 */
import { budgetAddress } from "../http/proxies.ts";
import { sha256 } from "./crypto.ts";
import { BUDGETS, type Counter } from "./rate_limit.ts";

/** Deno KV keys are capped at 2 KiB: longer names are counted by digest. */
function keyPart(value: string): string {
  return value.length > 255 ? `sha256:${sha256(value)}` : value;
}

/**
 * Client authentication at /token, /revoke, /introspect: per source, per
 * client from that source (so a guesser elsewhere cannot lock the real
 * client out), and a looser cap per client from anywhere.
 */
export function clientAuthCounters(
  clientID: string,
  ip: string | null,
): Counter[] {
  const address = budgetAddress(ip);
  const client = keyPart(clientID);
  return [
    { bucket: "client-auth-ip", id: address, budget: BUDGETS.clientAuthPerIP },
    {
      bucket: "client-auth-client-ip",
      id: `${client}|${address}`,
      budget: BUDGETS.clientAuthPerClientIP,
    },
    {
      bucket: "client-auth-client",
      id: client,
      budget: BUDGETS.clientAuthPerClient,
    },
  ];
}

/**
 * A sign-in from a browser that is not a known device of the account: per
 * address, per account and address, per account (the canonical username,
 * whether or not such a user exists).
 */
export function unknownDeviceSignInCounters(
  account: string,
  ip: string | null,
): Counter[] {
  const address = budgetAddress(ip);
  const name = keyPart(account);
  return [
    { bucket: "login-ip", id: address, budget: BUDGETS.loginPerIP },
    {
      bucket: "login-account-ip",
      id: `${name}|${address}`,
      budget: BUDGETS.loginPerAccountIP,
    },
    { bucket: "login-account", id: name, budget: BUDGETS.loginPerAccount },
  ];
}

/**
 * A sign-in from a known device of the account (OWASP "device cookies"):
 * only that device's own budget, so failures from elsewhere never lock it.
 */
export function knownDeviceSignInCounter(
  userID: string,
  deviceID: string,
): Counter {
  return {
    bucket: "login-device",
    id: `${userID}|${deviceID}`,
    budget: BUDGETS.loginPerDevice,
  };
}

/** The admin token, as `X-Admin-Token` or at /admin/login: per address. */
export function adminTokenCounters(ip: string | null): Counter[] {
  return [{
    bucket: "admin-token",
    id: budgetAddress(ip),
    budget: BUDGETS.adminLoginPerIP,
  }];
}

/** The setup code (or bootstrap token) at /setup: per address. */
export function setupCounters(ip: string | null): Counter[] {
  return [{
    bucket: "setup",
    id: budgetAddress(ip),
    budget: BUDGETS.setupPerIP,
  }];
}

/** A forgot-password request: per address (every request counts). */
export function recoveryCounters(ip: string | null): Counter[] {
  return [{
    bucket: "recovery-ip",
    id: budgetAddress(ip),
    budget: BUDGETS.recoveryPerIP,
  }];
}

/**
 * The reset mails of one account: `user:<id>` when the identifier named an
 * account, else the identifier itself (so unknown names cost the same).
 */
export function recoveryAccountCounter(key: string): Counter {
  return {
    bucket: "recovery-account",
    id: keyPart(key),
    budget: BUDGETS.recoveryPerAccount,
  };
}

/** Verification mails of one account. */
export function verificationCounter(userID: string): Counter {
  return {
    bucket: "verification-account",
    id: userID,
    budget: BUDGETS.verificationPerAccount,
  };
}

/** An account registration attempt (/account/register, prompt=create): per address. */
export function accountRegistrationCounters(ip: string | null): Counter[] {
  return [{
    bucket: "registration-ip",
    id: budgetAddress(ip),
    budget: BUDGETS.accountRegistrationPerIP,
  }];
}

/**
 * A TOTP or recovery code (at sign-in or to confirm a change): per address,
 * then per account, the one that keeps a six-digit code out of reach.
 */
export function secondFactorCounters(
  userID: string,
  ip: string | null,
): Counter[] {
  return [
    {
      bucket: "second-factor-ip",
      id: budgetAddress(ip),
      budget: BUDGETS.secondFactorPerIP,
    },
    {
      bucket: "second-factor-account",
      id: userID,
      budget: BUDGETS.secondFactorPerAccount,
    },
  ];
}

/**
 * A passkey assertion: per address, and per account once the credential
 * it names is known (an unknown credential counts on the address only).
 */
export function passkeyCounters(
  userID: string | null,
  ip: string | null,
): Counter[] {
  const counters: Counter[] = [{
    bucket: "passkey-ip",
    id: budgetAddress(ip),
    budget: BUDGETS.passkeyPerIP,
  }];
  if (userID) {
    counters.push({
      bucket: "passkey-account",
      id: userID,
      budget: BUDGETS.passkeyPerAccount,
    });
  }
  return counters;
}

/** RFC 7591 registrations at /register: per address, every attempt. */
export function registrationCounters(ip: string | null): Counter[] {
  return [{
    bucket: "registration",
    id: budgetAddress(ip),
    budget: BUDGETS.registrationPerIP,
  }];
}

/**
 * What a page offers for passkeys: the options for the browser when it can
 * run WebAuthn here, a link to the address where it can (the loopback
 * alias, lib/accounts/webauthn/relying_party.ts), or why it cannot. Pages
 * render it; islands/PasskeySignIn.tsx runs the ceremony.
 * @module
 */
import type { PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { WebAuthnCredentialRow } from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import type { Message } from "../../i18n/messages.ts";
import { authenticationOptions, serverRelyingParty } from "./passkeys.ts";
import { passkeyPageState } from "./relying_party.ts";

export type PasskeyOffer =
  | { state: "ready"; options: PublicKeyCredentialRequestOptionsJSON }
  | { state: "elsewhere"; href: string; origin: string }
  | { state: "unavailable"; reason: Message };

/**
 * The passkey part of a sign-in page opened at `requestURL`: any
 * discoverable passkey, or only `allow` (a second factor for a known user).
 */
export async function passkeyOffer(
  deps: Deps,
  requestURL: string,
  allow: WebAuthnCredentialRow[] = [],
): Promise<PasskeyOffer> {
  const page = passkeyPageState(serverRelyingParty(deps), requestURL);
  if (page.state !== "ready") return page;
  return {
    state: "ready",
    options: await authenticationOptions(deps, page.rp, allow),
  };
}

/**
 * When the user must be asked (consent policy per client): `skip` never,
 * `always` every time, `once` until a scope the user has not yet granted is
 * requested. A client with require_consent off is never asked.
 * `prompt=consent` always asks (OIDC Core §3.1.2.1). A client nobody here
 * vouches for never skips it: a metadata document client is asked every
 * time, a dynamically registered one at least once per new scope, whatever
 * its stored policy says.
 * @module
 */
import { findConsentScopes, upsertConsent } from "../../db/consents.ts";
import type { DB } from "../../db/schema.ts";
import type { Client } from "../clients/client.ts";

export async function consentNeeded(
  db: DB,
  client: Client,
  userID: string,
  scopes: string[],
  promptConsent: boolean,
): Promise<boolean> {
  if (promptConsent) return true;
  if (client.registrationType === "metadata_document") return true;
  const vouched = client.registrationType === "admin";
  if (!client.requireConsent && vouched) return false;
  const policy = !vouched && client.policy.consentPolicy === "skip"
    ? "once"
    : client.policy.consentPolicy;
  switch (policy) {
    case "skip":
      return false;
    case "always":
      return true;
    case "once": {
      const granted = new Set(await findConsentScopes(db, userID, client.id));
      return scopes.some((s) => !granted.has(s));
    }
  }
}

/** Records what the user allowed (used by policy `once`). */
export async function rememberConsent(
  db: DB,
  client: Client,
  userID: string,
  scopes: string[],
  now: number,
): Promise<void> {
  await upsertConsent(db, userID, client.id, scopes, now);
}

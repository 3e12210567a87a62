/**
 * A user's stored consents through the admin API: list, revoke. Revoking a
 * consent also revokes the tokens the user holds for that client, so the
 * client loses access now, not at the next refresh, and the user is asked
 * again next time (consent policy `once`).
 * @module
 */
import { deleteConsent, listConsentsOfUser } from "../db/consents.ts";
import { revokeUserClientTokens } from "../db/tokens.ts";
import { findUserByID } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import { splitList } from "../oauth/vocabulary.ts";
import { type AdminActor, notFound } from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";

export interface ConsentView {
  client_id: string;
  client_name: string;
  scopes: string[];
  created_at: number;
  updated_at: number;
}

/** The consents a user has given, by client; 404 for an unknown user. */
export async function listUserConsents(
  deps: Deps,
  userID: string,
): Promise<ConsentView[]> {
  if (!(await findUserByID(deps.db, userID))) throw notFound("user", userID);
  const rows = await listConsentsOfUser(deps.db, userID);
  return rows.map((row) => ({
    client_id: row.client_id,
    client_name: row.client_name,
    scopes: splitList(row.scopes),
    created_at: row.created_at,
    updated_at: row.updated_at,
  }));
}

/** Revokes a user's consent to a client and the tokens it issued; 404 if none. */
export async function revokeConsent(
  deps: Deps,
  who: AdminActor,
  userID: string,
  clientID: string,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    if (!(await findUserByID(trx, userID))) throw notFound("user", userID);
    if (!(await deleteConsent(trx, userID, clientID))) {
      throw notFound("consent", `${userID}/${clientID}`);
    }
    await revokeUserClientTokens(trx, userID, clientID, now);
    await recordAdminEvent(trx, who, {
      action: "consent.revoked",
      targetType: "user",
      targetID: userID,
      detail: { client_id: clientID },
    }, now);
  });
}

/**
 * A person's own sign-in sessions and the apps they let in, on /account:
 * listed with device, address and last activity, and ended or revoked by
 * them. Ending a session also revokes the tokens apps got through it;
 * removing an app deletes the consent and revokes every token the app
 * holds for the person (it must ask again). Each is audited and notified.
 * @module
 */
import { deleteConsent, listConsentsOfUser } from "../db/consents.ts";
import type { UserRow } from "../db/schema.ts";
import { deleteSessionOfUser, listLiveSessions } from "../db/sessions.ts";
import { revokeSessionTokens, revokeUserClientTokens } from "../db/tokens.ts";
import type { Deps } from "../deps.ts";
import { splitList } from "../oauth/vocabulary.ts";
import { notifyAccountChange, recordAccountEvent } from "./notify.ts";
import type { Message } from "../i18n/messages.ts";
import { userAgentMessage } from "./user_agent.ts";

export interface DeviceView {
  id: string;
  /** The browser and system, guessed from the User-Agent. */
  device: Message;
  ip: string | null;
  signedInAt: number;
  lastSeenAt: number;
  /** The session this page is shown in. */
  current: boolean;
}

export interface AppView {
  clientID: string;
  name: string;
  scopes: string[];
  grantedAt: number;
}

/** The user's live sessions, the current one first. */
export async function listDevices(
  deps: Deps,
  user: UserRow,
  currentSessionID: string,
): Promise<DeviceView[]> {
  const rows = await listLiveSessions(deps.db, "user", deps.now(), {
    userID: user.id,
  });
  return rows.map((s) => ({
    id: s.id,
    device: userAgentMessage(s.user_agent),
    ip: s.ip,
    signedInAt: s.auth_time,
    lastSeenAt: s.last_seen_at,
    current: s.id === currentSessionID,
  })).sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends one of the user's sessions and revokes its tokens; false if none. */
export async function endDevice(
  deps: Deps,
  user: UserRow,
  sessionID: string,
  ip: string | null,
): Promise<boolean> {
  if (sessionID === "" || sessionID.length > 64) return false;
  const now = deps.now();
  const ended = await deps.db.transaction().execute(async (trx) => {
    if (!(await deleteSessionOfUser(trx, user.id, sessionID))) return false;
    await revokeSessionTokens(trx, sessionID, now);
    await recordAccountEvent(trx, user, "account.session_ended", {
      ip,
      detail: { session_id: sessionID },
    }, now);
    return true;
  });
  if (ended) notifyAccountChange(deps, user, "session_ended", ip);
  return ended;
}

/** The apps the user consented to. */
export async function listApps(deps: Deps, user: UserRow): Promise<AppView[]> {
  return (await listConsentsOfUser(deps.db, user.id)).map((c) => ({
    clientID: c.client_id,
    name: c.client_name,
    scopes: splitList(c.scopes),
    grantedAt: c.updated_at,
  }));
}

/** Removes an app's consent and revokes its tokens; false if none. */
export async function revokeApp(
  deps: Deps,
  user: UserRow,
  clientID: string,
  ip: string | null,
): Promise<boolean> {
  if (clientID === "" || clientID.length > 255 || clientID.includes("\0")) {
    return false;
  }
  const now = deps.now();
  const revoked = await deps.db.transaction().execute(async (trx) => {
    if (!(await deleteConsent(trx, user.id, clientID))) return false;
    await revokeUserClientTokens(trx, user.id, clientID, now);
    await recordAccountEvent(trx, user, "account.app_revoked", {
      ip,
      detail: { client_id: clientID },
    }, now);
    return true;
  });
  if (revoked) notifyAccountChange(deps, user, "app_revoked", ip);
  return revoked;
}

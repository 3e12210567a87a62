/**
 * Signed-in user sessions through the admin API: list the live ones, end
 * one. Only ids and metadata are shown, never the secret hash; the id alone
 * is not a usable cookie.
 * @module
 */
import {
  deleteSessionOfKind,
  findSession,
  listLiveSessions,
  type SessionWithUser,
} from "../db/sessions.ts";
import type { Deps } from "../deps.ts";
import { parseWith } from "../http/json_body.ts";
import { type AdminActor, notFound } from "./admin_http.ts";
import { recordAdminEvent } from "./audit_admin.ts";
import { SessionsQuery } from "./schemas.ts";

export interface SessionView {
  id: string;
  user_id: string | null;
  username: string | null;
  auth_time: number;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
  ip: string | null;
  user_agent: string | null;
}

export function sessionView(row: SessionWithUser): SessionView {
  return {
    id: row.id,
    user_id: row.user_id,
    username: row.username,
    auth_time: row.auth_time,
    created_at: row.created_at,
    last_seen_at: row.last_seen_at,
    expires_at: row.expires_at,
    ip: row.ip,
    user_agent: row.user_agent,
  };
}

/** Live user sessions, newest first; `?user_id=` narrows to one user. */
export async function listSessionViews(
  deps: Deps,
  query: Record<string, string>,
): Promise<SessionView[]> {
  const q = parseWith(SessionsQuery, query);
  const rows = await listLiveSessions(deps.db, "user", deps.now(), {
    userID: q.user_id,
  });
  return rows.map(sessionView);
}

/** Ends one user session (the user must sign in again); 404 unknown. */
export async function endUserSession(
  deps: Deps,
  who: AdminActor,
  sessionID: string,
): Promise<void> {
  const now = deps.now();
  await deps.db.transaction().execute(async (trx) => {
    const session = await findSession(trx, sessionID);
    if (
      !session || session.kind !== "user" ||
      !(await deleteSessionOfKind(trx, sessionID, "user"))
    ) {
      throw notFound("session", sessionID);
    }
    await recordAdminEvent(trx, who, {
      action: "session.ended",
      targetType: "session",
      targetID: sessionID,
      detail: { user_id: session.user_id },
    }, now);
  });
}

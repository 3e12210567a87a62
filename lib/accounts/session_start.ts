/**
 * Starting a user session after a sign-in (a password, a new account, a
 * forced password change), on /authorize and /account alike: whatever
 * session the browser had is ended and a new one made (a new id at every
 * sign-in stops session fixation).
 * @module
 */
import type { UserRow } from "../db/schema.ts";
import type { Deps } from "../deps.ts";
import type { UserSession } from "../oauth/authorize/interaction.ts";
import { createSession, endSession } from "../security/session.ts";

/** The browser a sign-in comes from. */
export interface BrowserContext {
  /** The `sid` cookie it sent (ended by the new sign-in). */
  sessionCookie: string | undefined;
  ip: string | null;
  userAgent: string | null;
}

export interface StartedSession {
  current: UserSession;
  /** The cookie value to set. */
  token: string;
}

/** A new session for `user`, replacing the browser's. */
export async function startUserSession(
  deps: Deps,
  browser: BrowserContext,
  user: UserRow,
): Promise<StartedSession> {
  await endSession(deps.db, browser.sessionCookie);
  const now = deps.now();
  const issued = await createSession(deps.db, {
    kind: "user",
    userID: user.id,
    authTime: now,
    ip: browser.ip,
    userAgent: browser.userAgent,
  }, now);
  return { current: { session: issued.session, user }, token: issued.token };
}

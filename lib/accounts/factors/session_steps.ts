/**
 * What an authentication step does to the browser's session: a sign-in
 * replaces it with a new one (a new id at every sign-in stops session
 * fixation), a further step on the signed-in user (a second factor, a
 * re-confirmation) records its methods on the same session under a new
 * secret (lib/security/session.ts elevateSession). Shared by /authorize
 * and /account.
 * @module
 */
import type { SessionRow, UserRow } from "../../db/schema.ts";
import type { Deps } from "../../deps.ts";
import {
  createSession,
  elevateSession,
  endSession,
} from "../../security/session.ts";
import { acrOf, type AMR, combineAMR, parseAMR } from "./levels.ts";

/** A signed-in session and its user. */
export interface SignedIn {
  session: SessionRow;
  user: UserRow;
}

export interface SessionStep {
  current: SignedIn;
  /** The cookie value to set. */
  token: string;
}

export interface BrowserContext {
  /** The `sid` cookie the browser sent (ended by a new sign-in). */
  sessionCookie: string | undefined;
  ip: string | null;
  userAgent: string | null;
}

/** A new session for `user`, replacing whatever the browser had. */
export async function startSession(
  deps: Deps,
  browser: BrowserContext,
  user: UserRow,
  amr: AMR[],
): Promise<SessionStep> {
  await endSession(deps.db, browser.sessionCookie);
  const now = deps.now();
  const issued = await createSession(deps.db, {
    kind: "user",
    userID: user.id,
    authTime: now,
    ip: browser.ip,
    userAgent: browser.userAgent,
    amr: amr.join(" "),
    acr: acrOf(amr),
  }, now);
  return { current: { session: issued.session, user }, token: issued.token };
}

/**
 * The signed-in session with one more step recorded (auth_time now: the
 * person just authenticated actively) and a new secret. Null when the
 * session went away meanwhile.
 */
export async function stepUpSession(
  deps: Deps,
  current: SignedIn,
  amr: AMR[],
): Promise<SessionStep | null> {
  const combined = combineAMR(parseAMR(current.session.amr), amr);
  const elevated = await elevateSession(deps.db, current.session, {
    amr: combined.join(" "),
    acr: acrOf(combined),
    authTime: deps.now(),
  });
  return elevated
    ? {
      current: { session: elevated.session, user: current.user },
      token: elevated.token,
    }
    : null;
}

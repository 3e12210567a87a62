/**
 * Server-side sessions, in the shape lucia-auth describes: the cookie holds
 * `id.secret`; only SHA-256(secret) is stored; lookup is by id and the secret
 * is compared in constant time, so a database read leaks no usable cookie.
 * Cookies are HttpOnly, SameSite=Lax, Path=/, Secure when the issuer is
 * https. Deleting the row ends the session everywhere.
 * @module
 */
import type { DB, SessionRow } from "../db/schema.ts";
import {
  deleteSession,
  findSession,
  insertSession,
  touchSession,
  updateSessionAuthentication,
} from "../db/sessions.ts";
import type { Context } from "hono";
import { deleteCookie, generateCookie } from "hono/cookie";
import { randomToken, sha256, timingSafeEqual } from "./crypto.ts";

export type SessionKind = SessionRow["kind"];

/** Cookie name per kind; admin and user sessions never share a cookie. */
export const SESSION_COOKIE: Record<SessionKind, string> = {
  user: "sid",
  admin: "admin_sid",
};

/** Absolute lifetime per kind, seconds. */
export const SESSION_LIFETIME: Record<SessionKind, number> = {
  user: 14 * 24 * 3600,
  admin: 12 * 3600,
};

/** The Set-Cookie value carrying a new end-user session. */
export function userSessionCookie(token: string, secure: boolean): string {
  return generateCookie(SESSION_COOKIE.user, token, {
    httpOnly: true,
    sameSite: "Lax",
    secure,
    path: "/",
    maxAge: SESSION_LIFETIME.user,
  });
}

/**
 * Clears a session cookie with the attributes it was set with (Path=/,
 * HttpOnly, SameSite=Lax, Secure behind https): a browser drops a cookie
 * only when the clearing one matches, and a Secure one only over https.
 */
export function clearSessionCookie(
  c: Context,
  kind: SessionKind,
  secure: boolean,
): void {
  deleteCookie(c, SESSION_COOKIE[kind], {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure,
  });
}

/** `last_seen_at` is written at most this often, to keep reads read-only. */
const TOUCH_EVERY_SECONDS = 300;

export interface NewSession {
  kind: SessionKind;
  userID: string | null;
  authTime: number;
  ip: string | null;
  userAgent: string | null;
  /** How the person authenticated (RFC 8176 values, space-separated). */
  amr?: string;
  /** The authentication context class those methods reach. */
  acr?: string | null;
}

export interface IssuedSession {
  /** The cookie value: `id.secret`. Never stored. */
  token: string;
  session: SessionRow;
}

/** Creates a session with fresh id and secret (new id at every login). */
export async function createSession(
  db: DB,
  input: NewSession,
  now: number,
): Promise<IssuedSession> {
  const id = randomToken(16);
  const secret = randomToken(32);
  const session: SessionRow = {
    id,
    secret_hash: sha256(secret),
    kind: input.kind,
    user_id: input.userID,
    auth_time: input.authTime,
    ip: input.ip,
    user_agent: input.userAgent?.slice(0, 255) ?? null,
    created_at: now,
    last_seen_at: now,
    expires_at: now + SESSION_LIFETIME[input.kind],
    amr: input.amr ?? "",
    acr: input.acr ?? null,
  };
  await insertSession(db, session);
  return { token: `${id}.${secret}`, session };
}

/** What a further authentication step (a second factor) adds to a session. */
export interface Elevation {
  amr: string;
  acr: string | null;
  authTime: number;
}

/**
 * Records a further authentication step on a live session and gives it a
 * new secret (OWASP Session Management: renew the session token on any
 * privilege level change), keeping its id, which is the `sid` of ID tokens
 * and of logout. The old cookie stops working. Null when the session is
 * gone.
 */
export async function elevateSession(
  db: DB,
  session: SessionRow,
  step: Elevation,
): Promise<IssuedSession | null> {
  const secret = randomToken(32);
  const values = {
    secret_hash: sha256(secret),
    amr: step.amr,
    acr: step.acr,
    auth_time: step.authTime,
  };
  if (!(await updateSessionAuthentication(db, session, values))) return null;
  return {
    token: `${session.id}.${secret}`,
    session: { ...session, ...values },
  };
}

/** A cookie value as `createSession` makes it: `id.secret`, both base64url. */
const TOKEN_SHAPE = /^([A-Za-z0-9_-]{1,64})\.([A-Za-z0-9_-]{1,128})$/;

/**
 * Splits a cookie value into id and secret, or null when it cannot be one
 * of ours. Checked before any query: a NUL or an absurd length would
 * otherwise reach the database (PostgreSQL refuses NUL in text).
 */
function parseToken(
  token: string | undefined,
): { id: string; secret: string } | null {
  const m = token?.match(TOKEN_SHAPE);
  return m ? { id: m[1], secret: m[2] } : null;
}

/** Returns the live session a cookie names, or null. */
export async function validateSession(
  db: DB,
  kind: SessionKind,
  token: string | undefined,
  now: number,
): Promise<SessionRow | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const { id, secret } = parsed;
  const row = await findSession(db, id);
  if (!row || row.kind !== kind) return null;
  if (!timingSafeEqual(sha256(secret), row.secret_hash)) return null;
  if (row.expires_at <= now) {
    await deleteSession(db, id);
    return null;
  }
  if (now - row.last_seen_at >= TOUCH_EVERY_SECONDS) {
    await touchSession(db, id, now);
  }
  return row;
}

/**
 * Ends the session a cookie value proves (its secret, not just its id, must
 * match: a session id is no secret - it is the `sid` of every ID token).
 * Unknown or malformed values are ignored.
 */
export async function endSession(
  db: DB,
  token: string | undefined,
): Promise<void> {
  const parsed = parseToken(token);
  if (!parsed) return;
  const row = await findSession(db, parsed.id);
  if (row && timingSafeEqual(sha256(parsed.secret), row.secret_hash)) {
    await deleteSession(db, parsed.id);
  }
}

/**
 * Device cookies (OWASP "Slow Down Online Guessing Attacks with Device
 * Cookies"): after a successful sign-in the browser gets a cookie naming
 * the user and a random device id, signed with a key derived from
 * APP_SECRET. A sign-in that presents a valid entry for the account it
 * names counts against that device's own budget; every other sign-in
 * counts against the "unknown devices" budgets (per address, per account
 * and address, per account). So someone guessing alice's password from
 * many addresses can lock out unknown browsers, never alice's own browser.
 *
 * The cookie: `device`, HttpOnly, SameSite=Lax, Secure behind https,
 * Path=/authorize (only the sign-in form reads it), 180 days. It holds up
 * to five entries `userID.deviceID.issuedAt.mac` joined by `~`, one per
 * account signed in from this browser, newest first.
 * @module
 */
import { generateCookie } from "hono/cookie";
import { createHmac } from "node:crypto";
import { randomToken, timingSafeEqual } from "./crypto.ts";

export const DEVICE_COOKIE = "device";
export const DEVICE_COOKIE_PATH = "/authorize";
/** How long a device stays known without signing in again. */
export const DEVICE_LIFETIME = 180 * 24 * 3600;
const MAX_ENTRIES = 5;

/** The Set-Cookie value of the device cookie. */
export function deviceCookie(value: string, secure: boolean): string {
  return generateCookie(DEVICE_COOKIE, value, {
    httpOnly: true,
    sameSite: "Lax",
    secure,
    path: DEVICE_COOKIE_PATH,
    maxAge: DEVICE_LIFETIME,
  });
}
const ENTRY =
  /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/** One account this browser signed in as. */
export interface KnownDevice {
  userID: string;
  deviceID: string;
  issuedAt: number;
}

function mac(appSecret: string, body: string): string {
  return createHmac("sha256", `device-cookie/v1:${appSecret}`).update(body)
    .digest("base64url");
}

function encode(appSecret: string, d: KnownDevice): string {
  const body = `${d.userID}.${d.deviceID}.${d.issuedAt}`;
  return `${body}.${mac(appSecret, body)}`;
}

/** The valid, unexpired entries of a device cookie (none when absent or forged). */
export function readDeviceCookie(
  appSecret: string,
  value: string | undefined,
  now: number,
): KnownDevice[] {
  if (!value || value.length > 1024) return [];
  const devices: KnownDevice[] = [];
  for (const part of value.split("~").slice(0, MAX_ENTRIES)) {
    const m = ENTRY.exec(part);
    if (!m) continue;
    const [, userID, deviceID, issued, signature] = m;
    const issuedAt = Number(issued);
    if (issuedAt + DEVICE_LIFETIME <= now || issuedAt > now + 300) continue;
    const expected = mac(appSecret, `${userID}.${deviceID}.${issued}`);
    if (!timingSafeEqual(signature, expected)) continue;
    devices.push({ userID, deviceID, issuedAt });
  }
  return devices;
}

/**
 * The cookie value after `userID` signed in on this browser: that user's
 * entry first (renewed, same device id if it had one), the other accounts'
 * entries kept, at most five.
 */
export function issueDeviceCookie(
  appSecret: string,
  existing: KnownDevice[],
  userID: string,
  now: number,
): string {
  const known = existing.find((d) => d.userID === userID);
  const entries = [
    { userID, deviceID: known?.deviceID ?? randomToken(16), issuedAt: now },
    ...existing.filter((d) => d.userID !== userID),
  ].slice(0, MAX_ENTRIES);
  return entries.map((d) => encode(appSecret, d)).join("~");
}

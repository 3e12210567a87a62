/**
 * Pieces of hostile requests shared by the generators: header values,
 * encodings, parameter mutations, near-miss tokens, cookies and CSRF proofs.
 * @module
 */
import type { FuzzCase } from "./oracle.ts";
import type { Random } from "./prng.ts";
import { bigLength, hostileString, pct } from "./values.ts";
import type { World } from "./world.ts";

export type Entries = [string, string][];

export const FORM = "application/x-www-form-urlencoded";

/** Builds a header list; values a Headers object refuses go as raw bytes. */
export function headerValue(value: string): string {
  const clean = value.replace(/[\r\n\0]/g, "");
  try {
    new Headers([["x", clean]]);
    return clean;
  } catch {
    return Array.from(
      new TextEncoder().encode(clean),
      (b) => String.fromCharCode(b),
    ).join("");
  }
}

export function acceptHeader(r: Random): string | null {
  return r.pick([
    "text/html",
    "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "application/json",
    "application/json, text/html",
    "*/*",
    null,
    null,
    "text/html\u00e9",
    "",
  ]);
}

/** A query string or form body from entries, sometimes hand-broken. */
export function encode(r: Random, entries: Entries): string {
  if (r.chance(0.1)) {
    // Raw, not percent-encoded: broken escapes and bare separators survive.
    return entries.map(([k, v]) => `${k}=${v}`).join(r.pick(["&", ";", "&&"])) +
      r.pick(["", "&", "%", "=%zz", "&=&", "&a"]);
  }
  return new URLSearchParams(entries).toString();
}

/** Mutates parameters: drop, duplicate, replace values or keys, add, blow up. */
export function mutate(r: Random, entries: Entries, protect: string[] = []): {
  entries: Entries;
  notes: string[];
} {
  const out: Entries = entries.map(([k, v]) => [k, v]);
  const notes: string[] = [];
  const n = 1 + r.int(3);
  for (let i = 0; i < n; i++) {
    const idx = out.length ? r.int(out.length) : -1;
    const key = idx >= 0 ? out[idx][0] : "";
    const guarded = protect.includes(key);
    switch (r.int(8)) {
      case 0:
        if (idx >= 0 && !guarded) {
          notes.push(`drop ${key}`);
          out.splice(idx, 1);
        }
        break;
      case 1:
        if (idx >= 0) {
          notes.push(`dup ${key}`);
          out.push([key, r.chance(0.5) ? out[idx][1] : hostileString(r)]);
        }
        break;
      case 2:
      case 3:
        if (idx >= 0 && !guarded) {
          notes.push(`bad ${key}`);
          out[idx] = [key, hostileString(r)];
        }
        break;
      case 4:
        if (idx >= 0 && !guarded) {
          notes.push(`empty ${key}`);
          out[idx] = [key, ""];
        }
        break;
      case 5:
        notes.push("extra param");
        out.push([hostileString(r, { big: 0 }), hostileString(r)]);
        break;
      case 6:
        if (idx >= 0 && !guarded && r.chance(0.3)) {
          const len = bigLength(r);
          notes.push(`huge ${key} (${len})`);
          out[idx] = [key, "A".repeat(len)];
        }
        break;
      case 7:
        if (idx >= 0 && !guarded) {
          notes.push(`suffix ${key}`);
          out[idx] = [
            key,
            out[idx][1] + r.pick(["\u0000", " ", "%", "'", "é"]),
          ];
        }
        break;
    }
  }
  return { entries: out, notes };
}

/** A JWT-shaped string that is not one of ours. */
export function fakeJWT(r: Random, real: string): string {
  const [h, p, s] = real.split(".");
  const b64 = (o: unknown) =>
    btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(
      /\//g,
      "_",
    );
  return r.pick([
    `${b64({ alg: "none", typ: "JWT" })}.${p}.`,
    `${b64({ alg: "HS256", typ: "JWT" })}.${p}.${s}`,
    `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`,
    `${h}.${
      b64({ iss: "https://evil.example", sub: "x", aud: "demo-web" })
    }.${s}`,
    `${h}.${p}`,
    `${h}..${s}`,
    "a.b.c",
    "...",
    `${b64({ alg: "RS256", kid: "../../etc/passwd" })}.${p}.${s}`,
    `${b64({ alg: "RS256", crit: ["x"] })}.${p}.${s}`,
    real + ".x",
    real.toUpperCase(),
  ]);
}

/** A near miss that stays different once a header value is trimmed. */
export function tamperHeader(r: Random, token: string): string {
  const near = r.pick([
    token + "x",
    token.slice(0, -1),
    `${token.slice(0, 10)}-${token.slice(11)}`,
    `x${token}`,
    `${token} ${token}`,
  ]);
  return near === token ? `${token}x` : near;
}

/** The token in other letter case, or plainly changed when that is the same. */
export function differentCase(token: string): string {
  const lower = token.toLowerCase();
  if (lower !== token) return lower;
  const upper = token.toUpperCase();
  return upper !== token ? upper : `${token}x`;
}

export function tamper(r: Random, token: string): string {
  const near = pickNearMiss(r, token);
  return near === token ? `${token}x` : near;
}

function pickNearMiss(r: Random, token: string): string {
  return r.pick([
    token + "x",
    token.slice(0, -1),
    token.toUpperCase(),
    ` ${token}`,
    `${token}\u0000`,
    token.replace(/[A-Za-z]/, "%"),
    pct(token + "=="),
  ]);
}

/** Cookie headers: none, garbage, or someone's session (bob, the admin). */
export function cookieHeader(
  r: Random,
  w: World,
  options: { bob?: boolean } = {},
): string | null {
  const roll = r.next();
  if (roll < 0.35) return null;
  if (roll < 0.55 && options.bob !== false) {
    return `sid=${w.bob.sid}; csrf=${w.bob.csrf}`;
  }
  return r.pick([
    `sid=${hostileString(r)}`,
    `sid=${w.bob.sid.split(".")[0]}.wrong-secret`,
    `sid=${w.bob.sid.split(".")[0]}`,
    `sid=%00${w.bob.sid}`,
    "sid=%zz; csrf=%",
    `sid=${"A".repeat(8192)}`,
    `admin_sid=${w.admin.sid}`,
    "sid=",
    "=; ;;; =x",
    `sid="${w.bob.sid}"`,
    `sid=a; sid=b; sid=${w.bob.sid}`,
    `csrf=${"x".repeat(43)}`,
    "\u00e9=\u00e9",
  ]);
}

export function finish(
  r: Random,
  c: Omit<FuzzCase, "headers"> & { headers: [string, string | null][] },
): FuzzCase {
  const headers: [string, string][] = [];
  for (const [k, v] of c.headers) {
    if (v !== null) headers.push([k, headerValue(v)]);
  }
  if (r.chance(0.05)) headers.push(["X-Forwarded-For", "127.0.0.1"]);
  if (r.chance(0.03)) headers.push(["Host", "evil.example"]);
  return { ...c, headers };
}

/** CSRF proof for a form post: good, missing, wrong, or from elsewhere. */
export function csrfVariant(
  r: Random,
  cookieToken: string,
): {
  field: string | null;
  origin: string | null;
  site: string | null;
  good: boolean;
  note: string;
} {
  const roll = r.int(8);
  switch (roll) {
    case 0:
      return {
        field: null,
        origin: null,
        site: null,
        good: false,
        note: "no csrf",
      };
    case 1:
      return {
        field: "x".repeat(43),
        origin: null,
        site: null,
        good: false,
        note: "wrong csrf",
      };
    case 2:
      return {
        field: cookieToken,
        origin: "https://evil.example",
        site: null,
        good: false,
        note: "foreign origin",
      };
    case 3:
      return {
        field: cookieToken,
        origin: null,
        site: "cross-site",
        good: false,
        note: "cross-site",
      };
    case 4:
      return {
        field: cookieToken,
        origin: "null",
        site: null,
        good: false,
        note: "origin null",
      };
    case 5:
      return {
        field: hostileString(r),
        origin: null,
        site: "same-site",
        good: false,
        note: "same-site",
      };
    default:
      return {
        field: cookieToken,
        origin: null,
        site: r.pick([null, "same-origin"]),
        good: true,
        note: "good csrf",
      };
  }
}

export function formHeaders(
  r: Random,
  csrf: { origin: string | null; site: string | null },
  cookie: string | null,
): [string, string | null][] {
  return [
    ["Accept", acceptHeader(r)],
    ["Content-Type", contentType(r, FORM)],
    ["Cookie", cookie],
    ["Origin", csrf.origin],
    ["Sec-Fetch-Site", csrf.site],
  ];
}

/** Mostly the right content type, sometimes a wrong or broken one. */
export function contentType(r: Random, right: string): string | null {
  if (r.chance(0.8)) return right;
  return r.pick([
    null,
    "text/plain",
    "application/json",
    FORM,
    `${FORM}; charset=utf-16`,
    FORM.toUpperCase(),
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "multipart/form-data; boundary=zz",
    "application/x-www-form-urlencoded\u0000",
    hostileString(r),
  ]);
}

/**
 * What every answer to a hostile request must look like, whatever the
 * request was: no 5xx, a well-formed error body (JSON with `error` and
 * `error_description`, or an HTML page), no stack trace or internal path,
 * redirects only to our own pages or a registered URI, framing forbidden on
 * every page, and the database as it was.
 * @module
 */
import { dumpDatabase } from "../helpers/db_dump.ts";
import type { DB } from "../../lib/db/schema.ts";
import { XSS_MARKER } from "./values.ts";

export interface FuzzCase {
  /** Which generator and mutations made it (printed on failure). */
  label: string;
  method: string;
  /** Path and query, relative to the issuer. */
  path: string;
  headers: [string, string][];
  body?: string | Uint8Array<ArrayBuffer>;
  /** The peer address the app sees (c.env.remoteAddr). */
  ip: string;
  /**
   * `api`: errors must be JSON unless the client prefers HTML; `browser`: errors
   * must be an HTML page when the client prefers HTML; `mixed`: either, as
   * long as it is well-formed.
   */
  surface: "api" | "browser" | "mixed";
  /** `4xx`: invalid by construction, so any success is a bug. */
  expect: "4xx" | "any";
}

/** Longer than any redirect we mean to send (registered URI + code + state). */
const MAX_LOCATION = 8192;

/** Our own pages a redirect may point at (setup gate, admin sign-in). */
const INTERNAL_REDIRECTS = new Set(["/setup", "/admin/login", "/admin/ui"]);

/**
 * The account pages redirect among themselves (to the sign-in, back to the
 * page asked for, with a fixed notice); the query is one of ours, never
 * the request's input.
 */
const ACCOUNT_REDIRECT =
  /^\/account(\/[a-z_]+)?(\?(next=%2Faccount(%2F[a-z_]+)?|notice=[a-z_.]+))?$/;

/** Whether an own redirect target is one of the fixed pages. */
function internalTarget(url: URL): boolean {
  if (INTERNAL_REDIRECTS.has(url.pathname) && url.search === "") return true;
  return ACCOUNT_REDIRECT.test(`${url.pathname}${url.search}`);
}

/** What an error body must never show. */
const LEAK_PATTERNS: RegExp[] = [
  /\bat (?:async )?[\w$.<>\[\] ]+ \(/, // a V8 stack frame
  /^\s+at \S/m,
  /file:\/\//,
  /node_modules/,
  /\.tsx?:\d+/,
  /\b(?:TypeError|RangeError|SyntaxError|ReferenceError|URIError|AggregateError)\b/,
  /Maximum call stack/i,
];

/** What an error may not name (/healthz names its engine on purpose). */
const ERROR_LEAK_PATTERNS: RegExp[] = [
  /SQLITE_|sqlite3?|postgres|kysely|syntax error at|violates|constraint failed/i,
];

export function leakIn(
  text: string,
  cwd: string,
  options: { error?: boolean } = {},
): string | null {
  if (cwd.length > 1 && text.includes(cwd)) return `working directory ${cwd}`;
  const patterns = options.error
    ? [...LEAK_PATTERNS, ...ERROR_LEAK_PATTERNS]
    : LEAK_PATTERNS;
  for (const p of patterns) {
    const m = text.match(p);
    if (m) return `${p} matched ${JSON.stringify(m[0])}`;
  }
  return null;
}

function prefersHTML(accept: string): boolean {
  if (!accept.includes("text/html")) return false;
  const json = accept.indexOf("application/json");
  return json === -1 || accept.indexOf("text/html") < json;
}

/** True when `location` is a registered URI, possibly with added query. */
export function isRegisteredTarget(
  location: string,
  registered: string[],
): boolean {
  return registered.some((uri) => {
    if (location === uri) return true;
    const sep = uri.includes("?") ? "&" : "?";
    return location.startsWith(uri + sep) ||
      (location.startsWith(uri) && uri.endsWith("?"));
  });
}

export interface OracleContext {
  issuer: string;
  registeredURIs: string[];
  cwd: string;
}

/** Checks one answer; returns the problems found (empty: fine). */
export async function judgeResponse(
  ctx: OracleContext,
  c: FuzzCase,
  res: Response,
): Promise<string[]> {
  const problems: string[] = [];
  const status = res.status;
  const type = res.headers.get("Content-Type") ?? "";
  const text = c.method === "HEAD" ? "" : await res.text();
  const accept = c.headers.find(([k]) => k.toLowerCase() === "accept")?.[1] ??
    "";

  if (status >= 500) problems.push(`status ${status}`);
  if (c.expect === "4xx" && (status < 400 || status >= 500)) {
    problems.push(`expected 4xx for an invalid request, got ${status}`);
  }

  if (status >= 400 && c.method !== "HEAD") {
    if (/^application\/json/i.test(type)) {
      try {
        const body = JSON.parse(text);
        if (typeof body?.error !== "string" || body.error === "") {
          problems.push("JSON error without an `error` string");
        }
        if (typeof body?.error_description !== "string") {
          problems.push("JSON error without an `error_description` string");
        }
      } catch {
        problems.push("error body is not JSON though typed so");
      }
      if (c.surface === "browser" && prefersHTML(accept)) {
        problems.push("a browser asked for HTML and got a JSON error");
      }
    } else if (/^text\/html/i.test(type)) {
      if (!/^<!DOCTYPE html>/i.test(text)) {
        problems.push("HTML error without a doctype");
      }
      // Router-level errors (404, 405, 413) are negotiated: HTML only for a
      // client that prefers it.
      if (c.surface === "api" && !prefersHTML(accept)) {
        problems.push("an API error answered as HTML to a non-browser");
      }
    } else {
      problems.push(`error with Content-Type ${JSON.stringify(type)}`);
    }
  }

  if (/^text\/html/i.test(type)) {
    const csp = res.headers.get("Content-Security-Policy") ?? "";
    if (!/frame-ancestors 'none'/.test(csp)) {
      problems.push("HTML page without frame-ancestors 'none'");
    }
    if (res.headers.get("X-Frame-Options") !== "DENY") {
      problems.push("HTML page without X-Frame-Options DENY");
    }
    if (text.includes(XSS_MARKER)) {
      problems.push("reflected markup left unescaped");
    }
    for (const m of text.matchAll(/<form[^>]*\baction="([^"]*)"/g)) {
      const action = m[1].replace(/&amp;/g, "&").replace(/&quot;/g, '"');
      if (action.startsWith("/") && !action.startsWith("//")) continue;
      if (!isRegisteredTarget(action, ctx.registeredURIs)) {
        problems.push(
          `form posts to an unregistered target ${action.slice(0, 100)}`,
        );
      }
    }
  } else if (/^application\/json/i.test(type) && status < 400 && text !== "") {
    try {
      JSON.parse(text);
    } catch {
      problems.push("a JSON answer that does not parse");
    }
  }

  if (status >= 300 && status < 400 && status !== 304) {
    const location = res.headers.get("Location");
    if (location === null) problems.push(`${status} without Location`);
    else if (location.length > MAX_LOCATION) {
      // Input reflected without bound: browsers and proxies drop such a
      // response, and the client never learns what went wrong.
      problems.push(`Location of ${location.length} characters`);
    } else {
      const url = new URL(location, ctx.issuer);
      const own = url.origin === new URL(ctx.issuer).origin;
      if (own) {
        if (!internalTarget(url)) {
          problems.push(
            `redirect to an unexpected own page ${location.slice(0, 100)}`,
          );
        }
      } else if (!isRegisteredTarget(location, ctx.registeredURIs)) {
        problems.push(
          `redirect to an unregistered URI ${location.slice(0, 100)}`,
        );
      } else if (c.path.startsWith("/authorize")) {
        // RFC 9207: every authorization response names its issuer.
        if (url.searchParams.get("iss") !== ctx.issuer) {
          problems.push("authorization response without iss");
        }
      }
    }
  }

  if (status === 429) {
    const retry = res.headers.get("Retry-After");
    if (retry === null || !/^\d+$/.test(retry) || Number(retry) < 1) {
      problems.push(`429 with Retry-After ${retry}`);
    }
  }

  const leak = leakIn(text, ctx.cwd, { error: status >= 400 });
  if (leak) problems.push(`body leaks internals: ${leak}`);
  for (const [name, value] of res.headers) {
    const headerLeak = leakIn(value, ctx.cwd, { error: status >= 400 });
    if (headerLeak) problems.push(`header ${name} leaks: ${headerLeak}`);
  }
  return problems;
}

const tableNames = new WeakMap<DB, Promise<string[]>>();

/**
 * The database as a set of `table: row` lines: every row of every table
 * (Kysely's own included), as `dumpDatabase` reads them, with the table list
 * looked up once per database (the fuzzer takes a snapshot per request).
 */
export async function snapshot(db: DB): Promise<Set<string>> {
  let names = tableNames.get(db);
  if (!names) {
    names = db.introspection.getTables({ withInternalKyselyTables: true })
      .then((tables) => tables.map((t) => t.name));
    tableNames.set(db, names);
  }
  const lines = new Set<string>();
  const all = await Promise.all(
    (await names).map(async (name) => {
      // deno-lint-ignore no-explicit-any
      const rows = await (db as any).selectFrom(name).selectAll()
        .execute() as Record<string, unknown>[];
      return rows.map((row) => `${name}: ${JSON.stringify({ ...row })}`);
    }),
  );
  for (const rows of all) for (const line of rows) lines.add(line);
  return lines;
}

/** The same dump through the shared helper (checks `snapshot` agrees). */
export async function fullDump(db: DB): Promise<Set<string>> {
  return new Set((await dumpDatabase(db)).split("\n").filter(Boolean));
}

/**
 * Rows that may appear while the fuzzer runs: failed proofs are audited by
 * design, so an operator sees guessing: a failed admin sign-in
 * (`admin.login_failed`) or admin token (`admin.token_failed`), a wrong
 * setup code (`setup.failed`), all by actor `anonymous`, and a failed user
 * sign-in (`sign_in.failed`, password or passkey), second factor
 * (`second_factor.failed`) or re-confirmation (`account.reauth_failed`).
 * Nothing else may be added, changed or removed.
 */
export function isAllowedNewRow(line: string): boolean {
  if (!line.startsWith("audit_events: ")) return false;
  const row = JSON.parse(line.slice("audit_events: ".length));
  if (row.action === "sign_in.failed") {
    return row.target_type === "sign_in" && row.actor.startsWith("user:");
  }
  // A wrong TOTP or recovery code (at sign-in or on /account/security), a
  // wrong password where the account page asks for it again.
  if (
    row.action === "second_factor.failed" ||
    row.action === "account.reauth_failed"
  ) {
    return ["sign_in", "account"].includes(row.target_type) &&
      row.actor.startsWith("user:");
  }
  const failures: Record<string, string> = {
    "admin.login_failed": "admin_session",
    "admin.token_failed": "admin_api",
    "setup.failed": "server",
  };
  return failures[row.action] === row.target_type &&
    row.actor === "anonymous" && row.target_id === null;
}

/** What changed between two snapshots that is not allowed. */
export function forbiddenChanges(
  before: Set<string>,
  after: Set<string>,
): string[] {
  const out: string[] = [];
  for (const line of before) {
    if (!after.has(line)) out.push(`- ${line.slice(0, 300)}`);
  }
  for (const line of after) {
    if (!before.has(line) && !isAllowedNewRow(line)) {
      out.push(`+ ${line.slice(0, 300)}`);
    }
  }
  return out;
}

/**
 * Generators for the self-service account pages (/account/*): every page
 * read with and without bob's session, every form posted with hostile
 * values and each CSRF variant. Nothing may be written, so a form that a
 * signed-in person could use to change something gets a broken CSRF proof
 * (or a forged session), the sign-in never the right password, and links
 * only forged tokens; forgot-password finds mail off, registration needs
 * an invitation nobody has.
 * @module
 */
import type { FuzzCase } from "./oracle.ts";
import type { Random } from "./prng.ts";
import {
  cookieHeader,
  csrfVariant,
  encode,
  type Entries,
  finish,
  formHeaders,
  mutate,
} from "./request_parts.ts";
import { hostileString, pct } from "./values.ts";
import type { World } from "./world.ts";

const PAGES = [
  "/account",
  "/account/password",
  "/account/sessions",
  "/account/apps",
  "/account/login",
  "/account/forgot",
  "/account/reset",
  "/account/verify",
  "/account/register",
  "/account/logout",
];

/** A token a link could carry: never a live one (none exists). */
function forgedToken(r: Random): string {
  return r.pick([
    "",
    "x".repeat(43),
    "A".repeat(42),
    `${"a".repeat(43)}%00`,
    "../../etc/passwd",
    hostileString(r),
  ]);
}

/** The fields each page's form takes, with hostile values. */
function fieldsFor(r: Random, w: World, page: string): Entries {
  switch (page) {
    case "/account":
      return [
        ["_action", r.pick(["profile", "send_verification", hostileString(r)])],
        ["claim.name", hostileString(r)],
        ["claim.email", r.pick(["x@example.com", hostileString(r)])],
        ["claim.sub", "someone-else"],
      ];
    case "/account/password":
      return [
        ["_action", "password"],
        ["current_password", r.pick(["wrong", "bob", hostileString(r)])],
        ["new_password", hostileString(r)],
        ["confirm_password", hostileString(r)],
      ];
    case "/account/sessions":
      return [
        ["_action", r.pick(["end_session", "end_others", hostileString(r)])],
        ["session_id", r.pick([w.userSessionID, hostileString(r)])],
      ];
    case "/account/apps":
      return [
        ["_action", r.pick(["revoke_app", hostileString(r)])],
        ["client_id", r.pick(["demo-web", hostileString(r)])],
      ];
    case "/account/login":
      return [
        ["_action", r.pick(["login", "change_password", hostileString(r)])],
        ["username", r.pick(["alice", "bob", hostileString(r)])],
        // Never the right password: a success would start a session.
        ["password", r.pick(["wrong", "", "Bob", hostileString(r)])],
        ["ticket", r.pick(["", `${w.bobID}.9999999999.${"C".repeat(43)}`])],
        ["new_password", hostileString(r)],
        ["confirm_password", hostileString(r)],
      ];
    case "/account/forgot":
      return [[
        "identifier",
        r.pick(["alice", "bob@example.com", hostileString(r)]),
      ]];
    case "/account/reset":
      return [
        ["token", forgedToken(r)],
        ["new_password", r.pick(["a long new password", hostileString(r)])],
        ["confirm_password", "a long new password"],
      ];
    case "/account/verify":
      return [["token", forgedToken(r)]];
    case "/account/register":
      return [
        ["invite", forgedToken(r)],
        ["username", r.pick(["newcomer", "alice", hostileString(r)])],
        ["email", r.pick(["n@example.com", "", hostileString(r)])],
        ["password", r.pick(["a long new password", hostileString(r)])],
      ];
    default:
      return [];
  }
}

/** Pages whose form can change something for a signed-in person. */
const SIGNED_IN_FORMS = new Set([
  "/account",
  "/account/password",
  "/account/sessions",
  "/account/apps",
  "/account/logout",
]);

export function accountCase(r: Random, w: World): FuzzCase {
  const page = r.pick(PAGES);
  const get = page !== "/account/logout" && r.chance(0.35);
  if (get) {
    const q = page === "/account/reset" || page === "/account/verify"
      ? `?token=${pct(forgedToken(r))}`
      : page === "/account/register"
      ? `?invite=${pct(forgedToken(r))}`
      : page === "/account/login"
      ? `?next=${
        pct(
          r.pick(["/account/apps", "https://evil.example/", hostileString(r)]),
        )
      }`
      : "";
    return finish(r, {
      label: `GET ${page}`,
      method: "GET",
      path: page + q,
      headers: [
        ["Accept", "text/html"],
        [
          "Cookie",
          r.chance(0.5)
            ? `sid=${w.bob.sid}; csrf=${w.bob.csrf}`
            : cookieHeader(r, w),
        ],
      ],
      ip: r.ip(),
      surface: "browser",
      expect: "any",
    });
  }
  let csrf = csrfVariant(r, w.bob.csrf);
  // Bob's real session with a good CSRF proof would change his account:
  // such a request gets a broken proof (or no session, below).
  const withSession = r.chance(0.6);
  if (withSession && SIGNED_IN_FORMS.has(page) && csrf.good) {
    csrf = { ...csrf, field: "y".repeat(43), good: false, note: "csrf broken" };
  }
  const fields: Entries = [...fieldsFor(r, w, page)];
  if (csrf.field !== null) fields.push(["csrf_token", csrf.field]);
  const { entries, notes } = mutate(r, fields, [
    "csrf_token",
    "ticket",
    "token",
    "invite",
    "password",
  ]);
  const cookie = withSession
    ? `sid=${w.bob.sid}; csrf=${w.bob.csrf}`
    : `sid=forged.${"z".repeat(43)}; csrf=${w.bob.csrf}`;
  return finish(r, {
    label: `POST ${page} ${csrf.note} ${withSession ? "bob" : "no session"} ${
      notes.join(", ")
    }`,
    method: "POST",
    path: page,
    headers: formHeaders(r, csrf, cookie),
    body: encode(r, entries),
    ip: r.ip(),
    surface: "browser",
    expect: "any",
  });
}

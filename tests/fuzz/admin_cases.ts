/**
 * Generators for the admin JSON API (and /dev): every route with real or
 * hostile path segments, each way of authenticating (token, session with and
 * without CSRF proof, bad tokens), and bodies that cannot validate wherever
 * the request could otherwise write.
 * @module
 */
import type { FuzzCase } from "./oracle.ts";
import type { Random } from "./prng.ts";
import {
  acceptHeader,
  contentType,
  cookieHeader,
  differentCase,
  encode,
  type Entries,
  finish,
  FORM,
  mutate,
  tamperHeader,
} from "./request_parts.ts";
import {
  brokenJSONText,
  deepValue,
  hostileJSONValue,
  hostileString,
  ODD_STRINGS,
  ONE_MIB,
  pct,
  SQL_STRINGS,
} from "./values.ts";
import { FIXED_ADMIN_IP, type World } from "./world.ts";

// ------------------------------------------------------- admin JSON API

interface AdminRoute {
  method: string;
  /** `:id` is replaced by a real id or a hostile segment. */
  path: string;
  real: (w: World) => string[];
  /** The body schema: `strict` refuses unknown keys, `loose` needs a poison field. */
  body?: "strict" | "loose" | "optional" | "ui";
  /** Writes even without a body when the id is real. */
  writes?: boolean;
  fields?: string[];
}

const CLIENT_FIELDS = [
  "client_id",
  "client_name",
  "redirect_uris",
  "grant_types",
  "response_types",
  "scope",
  "token_endpoint_auth_method",
  "require_consent",
  "post_logout_redirect_uris",
  "require_pkce",
  "consent_policy",
  "access_token_lifetime",
  "refresh_token_ttl_days",
  "token_format",
  "id_token_signed_response_alg",
];
const POLICY_FIELDS = [
  "allowed_scopes",
  "default_scopes",
  "post_logout_redirect_uris",
  "require_pkce",
  "consent_policy",
  "access_token_lifetime",
  "refresh_token_ttl_days",
  "token_format",
  "id_token_signed_response_alg",
];
const USER_FIELDS = [
  "username",
  "password",
  "email",
  "email_verified",
  "claims",
  "disabled",
  "lock_reason",
  "must_change_password",
];

/** The intents the admin UI's forms post (`_action`). */
const UI_INTENTS = [
  "save",
  "create",
  "edit",
  "delete",
  "password",
  "enable",
  "disable",
  "revoke_consent",
  "rotate",
  "retire",
  "end",
  "secret",
  "policy",
  "lock",
  "force_change",
  "no_force_change",
  "reset_mail",
  "verification_mail",
  "end_session",
  "settings",
  "invite",
  "withdraw",
];
const UI_FIELDS = [
  "name",
  "description",
  "claims",
  "client_id",
  "client_name",
  "redirect_uris",
  "username",
  "password",
  "email",
  "kid",
  "session_id",
  "confirm",
  "editing",
  "lock_reason",
  "editable_claims",
  "expires_in_days",
  "invite_id",
];

const none = () => [];
const clientIDs = () => ["demo-web", "fz-basic"];
const userIDs = (w: World) => [w.aliceID, w.bobID];

const ADMIN_ROUTES: AdminRoute[] = [
  { method: "GET", path: "/admin/scopes", real: none },
  {
    method: "POST",
    path: "/admin/scopes",
    real: none,
    body: "strict",
    fields: ["name", "description", "claims"],
  },
  {
    method: "GET",
    path: "/admin/scopes/:id",
    real: () => ["openid", "profile"],
  },
  {
    method: "DELETE",
    path: "/admin/scopes/:id",
    real: () => ["openid"],
    writes: true,
  },
  { method: "GET", path: "/admin/clients", real: none },
  {
    method: "POST",
    path: "/admin/clients",
    real: none,
    body: "loose",
    fields: CLIENT_FIELDS,
  },
  { method: "GET", path: "/admin/clients/:id", real: clientIDs },
  {
    method: "PUT",
    path: "/admin/clients/:id",
    real: clientIDs,
    body: "strict",
    fields: CLIENT_FIELDS,
  },
  {
    method: "PATCH",
    path: "/admin/clients/:id",
    real: clientIDs,
    body: "strict",
    fields: CLIENT_FIELDS,
  },
  {
    method: "DELETE",
    path: "/admin/clients/:id",
    real: clientIDs,
    writes: true,
  },
  {
    method: "POST",
    path: "/admin/clients/:id/secret",
    real: clientIDs,
    writes: true,
  },
  { method: "GET", path: "/admin/clients/:id/policy", real: clientIDs },
  {
    method: "POST",
    path: "/admin/clients/:id/policy",
    real: clientIDs,
    body: "strict",
    fields: POLICY_FIELDS,
  },
  {
    method: "POST",
    path: "/admin/rotate_jwk",
    real: none,
    body: "optional",
    fields: ["alg"],
  },
  {
    method: "POST",
    path: "/admin/keys/rotate",
    real: none,
    body: "optional",
    fields: ["alg"],
  },
  { method: "GET", path: "/admin/keys", real: none },
  { method: "POST", path: "/admin/keys/:id/retire", real: none, writes: true },
  { method: "DELETE", path: "/admin/keys/:id", real: none, writes: true },
  { method: "GET", path: "/admin/users", real: none },
  {
    method: "POST",
    path: "/admin/users",
    real: none,
    body: "strict",
    fields: USER_FIELDS,
  },
  { method: "GET", path: "/admin/users/:id", real: userIDs },
  {
    method: "PATCH",
    path: "/admin/users/:id",
    real: userIDs,
    body: "strict",
    fields: USER_FIELDS,
  },
  { method: "DELETE", path: "/admin/users/:id", real: userIDs, writes: true },
  {
    method: "POST",
    path: "/admin/users/:id/password",
    real: userIDs,
    body: "strict",
    fields: ["password"],
  },
  { method: "GET", path: "/admin/users/:id/consents", real: userIDs },
  {
    method: "DELETE",
    path: "/admin/users/:id/consents/demo-web",
    real: userIDs,
    writes: true,
  },
  {
    method: "POST",
    path: "/admin/users/:id/reset_mail",
    real: userIDs,
    writes: true,
  },
  {
    method: "POST",
    path: "/admin/users/:id/verification_mail",
    real: userIDs,
    writes: true,
  },
  { method: "GET", path: "/admin/account_settings", real: none },
  {
    method: "PATCH",
    path: "/admin/account_settings",
    real: none,
    body: "strict",
    fields: ["editable_claims"],
  },
  { method: "GET", path: "/admin/invites", real: none },
  {
    method: "POST",
    path: "/admin/invites",
    real: none,
    body: "strict",
    fields: ["email", "expires_in_days"],
  },
  { method: "DELETE", path: "/admin/invites/:id", real: none, writes: true },
  { method: "GET", path: "/admin/branding", real: none },
  {
    method: "PATCH",
    path: "/admin/branding",
    real: none,
    body: "strict",
    fields: ["name", "accent_color", "support_url"],
  },
  {
    method: "PUT",
    path: "/admin/branding/logo",
    real: none,
    body: "strict",
    fields: ["data", "url"],
  },
  { method: "DELETE", path: "/admin/branding/logo", real: none, writes: true },
  { method: "GET", path: "/admin/sessions", real: none },
  {
    method: "DELETE",
    path: "/admin/sessions/:id",
    real: (w) => [w.userSessionID],
    writes: true,
  },
  { method: "GET", path: "/admin/audit", real: none },
  { method: "POST", path: "/admin/logout", real: none, writes: true },
  { method: "GET", path: "/metrics", real: none },
  { method: "GET", path: "/admin/ui", real: none },
  { method: "GET", path: "/admin/ui/clients", real: none },
  { method: "GET", path: "/admin/ui/clients/:id", real: clientIDs },
  { method: "GET", path: "/admin/ui/users", real: none },
  { method: "GET", path: "/admin/ui/users/:id", real: userIDs },
  { method: "GET", path: "/admin/ui/scopes", real: none },
  { method: "GET", path: "/admin/ui/keys", real: none },
  { method: "GET", path: "/admin/ui/sessions", real: none },
  { method: "GET", path: "/admin/ui/audit", real: none },
  { method: "GET", path: "/admin/ui/help", real: none },
  { method: "GET", path: "/admin/ui/accounts", real: none },
  { method: "POST", path: "/admin/ui/accounts", real: none, body: "ui" },
  { method: "GET", path: "/admin/ui/branding", real: none },
  { method: "POST", path: "/admin/ui/branding", real: none, body: "ui" },
  { method: "POST", path: "/admin/ui/scopes", real: none, body: "ui" },
  { method: "POST", path: "/admin/ui/clients", real: none, body: "ui" },
  {
    method: "POST",
    path: "/admin/ui/clients/:id",
    real: clientIDs,
    body: "ui",
  },
  { method: "POST", path: "/admin/ui/users", real: none, body: "ui" },
  { method: "POST", path: "/admin/ui/users/:id", real: userIDs, body: "ui" },
  { method: "POST", path: "/admin/ui/sessions", real: none, body: "ui" },
  { method: "POST", path: "/admin/ui/keys", real: none, body: "ui" },
  { method: "GET", path: "/dev/pkce", real: none },
  { method: "GET", path: "/dev/seed", real: none, writes: true },
  {
    method: "POST",
    path: "/dev/create_client",
    real: none,
    body: "loose",
    fields: CLIENT_FIELDS,
  },
];

/** A hostile path segment: traversal, encoded slashes, dot segments, SQL. */
function hostileSegment(r: Random): { raw: string; note: string } {
  const s = r.pick([
    "..%2f..%2fetc",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e",
    "%2e%2e%2f%2e%2e%2fadmin",
    ".",
    "..",
    "%2F",
    "a%2Fb",
    "demo-web%2F..%2Ffz-basic",
    "%00",
    "a%00b",
    "%zz",
    "%E0%A4%A",
    "%C0%AE%C0%AE",
    "%25",
    "%252e%252e",
    "openid%20",
    "OPENID",
    "demo-web%00",
    "..;",
    "x".repeat(r.pick([256, 3000, 70000])),
    "%F0%9F%92%A5",
    "%E2%80%AE",
    "%0d%0aSet-Cookie:%20x=y",
    "*",
    "%3Cscript%3E",
    pct(r.pick(SQL_STRINGS)),
    pct(r.pick(ODD_STRINGS) || "~"),
    pct(hostileString(r, { big: 0 }) || "~"),
  ]);
  return { raw: s, note: `segment ${s.slice(0, 30)}` };
}

type AdminAuthMode =
  | "token"
  | "session"
  | "session-form"
  | "session-no-csrf"
  | "session-cross-site"
  | "bad";

function adminAuthHeaders(
  r: Random,
  w: World,
  mode: AdminAuthMode,
): { headers: [string, string | null][]; note: string } {
  const session = `admin_sid=${w.admin.sid}; csrf=${w.admin.csrf}`;
  switch (mode) {
    case "token":
      return { headers: [["X-Admin-Token", w.adminToken]], note: "token" };
    case "session":
      return {
        headers: [["Cookie", session], ["X-CSRF-Token", w.admin.csrf], [
          "Sec-Fetch-Site",
          "same-origin",
        ]],
        note: "session",
      };
    case "session-form":
      // The token in a form field, as the admin UI's plain forms send it.
      return {
        headers: [["Cookie", session], ["Sec-Fetch-Site", "same-origin"]],
        note: "session, form token",
      };
    case "session-no-csrf":
      return {
        headers: [["Cookie", session], [
          "X-CSRF-Token",
          r.pick([null, "x".repeat(43), w.bob.csrf, ""]),
        ]],
        note: "session, bad csrf",
      };
    case "session-cross-site":
      return {
        headers: [
          ["Cookie", session],
          ["X-CSRF-Token", w.admin.csrf],
          r.chance(0.5)
            ? ["Sec-Fetch-Site", "cross-site"]
            : ["Origin", "https://evil.example"],
        ],
        note: "session, cross-site",
      };
    case "bad":
      return {
        headers: [[
          "X-Admin-Token",
          r.pick([
            "",
            hostileString(r),
            tamperHeader(r, w.adminToken),
            differentCase(w.adminToken),
            "A".repeat(r.pick([513, 70000])),
          ]),
        ], ["Cookie", r.chance(0.3) ? cookieHeader(r, w) : null]],
        note: "bad token",
      };
  }
}

function adminBody(
  r: Random,
  route: AdminRoute,
  mustFail: boolean,
): { body: string; type: string | null; note: string } {
  const roll = r.next();
  if (roll < 0.12) {
    let text = brokenJSONText(r);
    // Some of these texts are valid objects (a deeply nested claim): poison
    // them like any other body that must fail.
    if (mustFail && text.startsWith("{") && text.endsWith("}")) {
      text = `${text.slice(0, -1)},"zz_unknown_field":1}`;
    }
    // An empty body is `{}` to the rotate routes, and fetch drops a BOM:
    // neither is a failure there.
    if (
      !(mustFail && text.replace("\ufeff", "").trim() in { "": 1, "{}": 1 })
    ) {
      return { body: text, type: "application/json", note: "broken json" };
    }
  }
  if (roll < 0.18) {
    return {
      body: JSON.stringify({ name: "x" }),
      type: contentType(r, "text/plain") ?? "text/plain",
      note: "wrong type",
    };
  }
  if (roll < 0.22) {
    return { body: "name=x&claims=y", type: FORM, note: "form body" };
  }
  if (roll < 0.25) {
    const big = "[" + '"x",'.repeat(Math.ceil(ONE_MIB / 4)) + '"x"]';
    return {
      body: `{"claims":${big}}`,
      type: "application/json",
      note: "over 1 MiB",
    };
  }
  const fields = route.fields ?? ["name"];
  const obj: Record<string, unknown> = {};
  for (const f of r.some(fields, 4)) {
    obj[f] = r.chance(0.15)
      ? deepValue(r.pick([50, 5000]))
      : hostileJSONValue(r);
  }
  if (r.chance(0.1)) {
    obj[r.pick(fields)] = r.pick([[hostileString(r)], { a: 1 }]);
  }
  let note = `fields ${Object.keys(obj).join(",")}`;
  if (mustFail) {
    // Invalid by construction: strict schemas refuse unknown keys; the loose
    // one (client metadata) refuses a string where a boolean belongs.
    if (route.body === "loose") obj.require_pkce = "nope";
    else obj.zz_unknown_field = 1;
    note += " + poison";
  }
  const type = mustFail
    ? "application/json"
    : contentType(r, "application/json");
  return { body: JSON.stringify(obj), type, note };
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function adminCase(r: Random, w: World): FuzzCase {
  const route = r.pick(ADMIN_ROUTES);
  let mode: AdminAuthMode = r.pick([
    "token",
    "token",
    "token",
    "session",
    "session-form",
    "session-no-csrf",
    "session-cross-site",
    "bad",
    "bad",
  ]);
  const swapped = r.chance(0.08);
  const method = swapped
    ? r.pick(["GET", "PUT", "PATCH", "DELETE", "POST", "OPTIONS", "PROPFIND"])
    : route.method;
  const unsafe = !SAFE_METHODS.has(method);
  const hasID = route.path.includes(":id");
  const real = route.real(w);
  const useReal = hasID && real.length > 0 && r.chance(0.4);
  // Nothing may be written: a request that could be authorized to write is
  // made to fail for another reason (no CSRF token, an unknown id, a body
  // that cannot validate).
  let poison = false;
  const mayWrite = mode === "token" || mode === "session" ||
    mode === "session-form";
  if (mayWrite && (unsafe || route.writes)) {
    if (swapped || (route.writes && (useReal || !hasID))) mode = "bad";
    else if (route.body) poison = true;
  }
  const auth = adminAuthHeaders(r, w, mode);
  const segment = useReal
    ? (() => {
      const id = r.pick(real);
      return { raw: encodeURIComponent(id), note: `id ${id.slice(0, 12)}` };
    })()
    : hostileSegment(r);
  let path = route.path.replace(":id", segment.raw);
  const queried = route.path === "/admin/audit" ||
    route.path === "/admin/sessions" ||
    route.path.startsWith("/admin/keys/:id");
  if (queried || r.chance(0.1)) {
    const q: Entries = [];
    const keys = [
      "limit",
      "before",
      "action",
      "target_type",
      "target_id",
      "user_id",
      "force",
    ];
    for (const k of r.some(keys, 3)) {
      q.push([
        k,
        r.pick([
          hostileString(r),
          "-5",
          "1e400",
          "99999999999999999999",
          "0",
          "501",
          "true",
          "TRUE",
        ]),
      ]);
    }
    if (q.length) path += `?${encode(r, q)}`;
  }
  let body: string | undefined;
  let type: string | null = null;
  let bodyNote = "";
  if (route.body === "ui" && method !== "GET" && method !== "HEAD") {
    // An admin UI form: an intent that no page knows whenever the request
    // could be authorized to write, else any intent.
    const intent = poison
      ? `zz-${r.int(1e6)}`
      : r.pick([...UI_INTENTS, hostileString(r)]);
    const fields: Entries = [["_action", intent]];
    if (mode === "session-form") fields.push(["csrf_token", w.admin.csrf]);
    for (const f of r.some(UI_FIELDS, 4)) fields.push([f, hostileString(r)]);
    const { entries } = mutate(r, fields, ["_action", "csrf_token"]);
    body = encode(r, entries);
    type = r.chance(0.9) ? FORM : contentType(r, FORM);
    bodyNote = `ui form ${intent.slice(0, 20)}`;
  } else if (mode === "session-form" && method !== "GET" && method !== "HEAD") {
    // A form is never JSON: every JSON route refuses it (415).
    const { entries } = mutate(
      r,
      [["csrf_token", w.admin.csrf], ["name", "x"]],
      ["csrf_token"],
    );
    body = encode(r, entries);
    type = FORM;
    bodyNote = "form";
  } else if (
    method !== "GET" && method !== "HEAD" &&
    (poison || route.body || r.chance(0.3))
  ) {
    const b = adminBody(r, route, poison);
    body = b.body;
    type = b.type;
    bodyNote = b.note;
  }
  return finish(r, {
    label: `${method} ${route.path} [${auth.note}] ${segment.note} ${bodyNote}`,
    method,
    path,
    headers: [
      [
        "Accept",
        r.chance(0.8)
          ? r.pick(["application/json", null, "*/*"])
          : acceptHeader(r),
      ],
      ["Content-Type", type],
      ...auth.headers,
    ],
    body,
    ip: mode === "bad" ? r.ip() : FIXED_ADMIN_IP,
    surface: path.startsWith("/admin/ui") ? "mixed" : "api",
    expect: unsafe ? "4xx" : "any",
  });
}

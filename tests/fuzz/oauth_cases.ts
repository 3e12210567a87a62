/**
 * Generators for the OAuth and browser endpoints: /authorize (GET, and the
 * sign-in and consent posts), /token, /userinfo, /revoke, /introspect,
 * /end_session and /logout, /setup and /admin/login.
 * @module
 */
import { totpCode } from "../../lib/accounts/factors/totp.ts";
import { basic as basicHeader } from "../helpers/clients.ts";
import { DEMO_REDIRECT } from "../helpers/oauth.ts";
import type { FuzzCase } from "./oracle.ts";
import type { Random } from "./prng.ts";
import {
  acceptHeader,
  contentType,
  cookieHeader,
  csrfVariant,
  differentCase,
  encode,
  type Entries,
  fakeJWT,
  finish,
  FORM,
  formHeaders,
  mutate,
  tamper,
} from "./request_parts.ts";
import { hostileString, ONE_MIB, pct, SQL_STRINGS } from "./values.ts";
import { FIXED_CLIENT_IP, type World } from "./world.ts";

// ---------------------------------------------------------------- /authorize

function authorizeBase(r: Random, w: World): Entries {
  const which = r.int(3);
  const base: Entries = which === 0
    ? [
      ["client_id", "demo-web"],
      ["response_type", "code"],
      ["redirect_uri", DEMO_REDIRECT],
      ["scope", "openid profile email offline_access"],
      ["code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"],
      ["code_challenge_method", "S256"],
      ["state", "st"],
      ["nonce", "n"],
    ]
    : which === 1
    ? [
      ["client_id", w.basic.id],
      ["response_type", "code"],
      [
        "redirect_uri",
        r.pick([w.basic.redirectURI, "http://127.0.0.1:9999/cb?x=1"]),
      ],
      ["scope", "openid"],
      ["code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"],
      ["code_challenge_method", "S256"],
    ]
    : [
      [
        "client_id",
        r.pick(["demo-web", w.basic.id, w.post.id, "nope", ...SQL_STRINGS]),
      ],
      [
        "response_type",
        r.pick(["code", "token", "id_token", "code id_token", ""]),
      ],
      ["redirect_uri", unregisteredURI(r)],
    ];
  if (r.chance(0.3)) {
    base.push([
      "response_mode",
      r.pick(["form_post", "query", "fragment", "web_message"]),
    ]);
  }
  if (r.chance(0.2)) {
    base.push([
      "prompt",
      r.pick([
        "none",
        "login",
        "consent",
        "none login",
        "select_account",
        "bogus",
      ]),
    ]);
  }
  if (r.chance(0.15)) {
    base.push([
      "max_age",
      r.pick(["0", "-1", "1e3", "99999999999", "NaN", "10"]),
    ]);
  }
  if (r.chance(0.1)) base.push([r.pick(["request", "request_uri"]), "x"]);
  return base;
}

/** Variants of a registered URI that are not registered. */
export function unregisteredURI(r: Random): string {
  return r.pick([
    "https://evil.example/cb",
    "http://localhost:3000/callback/",
    "http://localhost:3000/callback?x=1",
    "http://localhost:3000/callback#frag",
    "http://localhost:3000/Callback",
    "HTTP://LOCALHOST:3000/callback",
    "http://localhost:3000/callback/../evil",
    "http://localhost:3000/callback%2F..%2Fevil",
    "http://localhost:3000@evil.example/callback",
    "http://evil.example\\@localhost:3000/callback",
    "http://localhost:3001/callback",
    "http://localhost.evil.example:3000/callback",
    "//evil.example/callback",
    "/callback",
    "javascript:alert(1)//http://localhost:3000/callback",
    "data:text/html,hi",
    "http://localhost:3000/callback\u0000",
    " http://localhost:3000/callback",
    "http://localhost:3000/callback ",
    "http://localhost:3000/callback%00",
    "https://rp.example.com/cb.evil.example",
    "https://rp.example.com/cb/../../evil",
    "https://rp.example.com/cb?x=1",
    "http://127.0.0.1:9999/cb",
    "http://127.0.0.1:9999/cb?x=1&y=2",
    "http://127.0.0.1:9999/cb?x=2",
    "http://[::1]:3000/callback",
    "http://0x7f000001:3000/callback",
    "https://rp.example.com/bye",
    hostileString(r),
  ]);
}

export function authorizeGET(r: Random, w: World): FuzzCase {
  const { entries, notes } = mutate(r, authorizeBase(r, w));
  return finish(r, {
    label: `GET /authorize ${notes.join(", ")}`,
    method: r.chance(0.1) ? "HEAD" : "GET",
    path: `/authorize?${encode(r, entries)}`,
    headers: [["Accept", acceptHeader(r)], ["Cookie", cookieHeader(r, w)]],
    ip: r.ip(),
    surface: "browser",
    expect: "any",
  });
}

export function authorizePOST(r: Random, w: World): FuzzCase {
  const kind = r.pick([
    "request",
    "login",
    "consent",
    "consent",
    "request",
    "totp",
    "recovery_code",
    "passkey",
    // The account steps: none can write here (mail is off, registration
    // is by invitation and every invitation below is forged, tickets are
    // forged).
    r.pick([
      "forgot_password",
      "send_reset",
      "create_account",
      "register",
      "change_password",
      "sign_in",
    ]),
  ]);
  const base = kind === "request"
    ? authorizeBase(r, w)
    : Object.entries(w.bob.consentFields).filter(([k]) =>
      k !== "_action" && k !== "csrf_token"
    ) as Entries;
  const csrf = csrfVariant(r, w.bob.csrf);
  const extra: Entries = [];
  const protect: string[] = [];
  if (kind !== "request") {
    extra.push(["_action", kind]);
    if (csrf.field !== null) extra.push(["csrf_token", csrf.field]);
    protect.push("_action", "csrf_token");
  }
  if (kind === "login") {
    extra.push([
      "username",
      r.pick(["alice", "bob", "ALICE", hostileString(r)]),
    ]);
    // Never the right password: a success would start a session.
    extra.push([
      "password",
      r.pick(["wrong", "", hostileString(r), "alice ", "Bob"]),
    ]);
    protect.push("password", "username");
  }
  if (kind === "totp" || kind === "recovery_code") {
    // Bob has TOTP on: a code right now would step his session up.
    const now = new Set(
      [-1, 0, 1].map((s) =>
        totpCode(w.bob.totpSecret, w.t.deps.now() + 30 * s)
      ),
    );
    const guess = String(r.int(1_000_000)).padStart(6, "0");
    extra.push([
      "code",
      r.pick([
        now.has(guess) ? "" : guess,
        "",
        "12345",
        "1234567",
        "aaaa-bbbb-cccc",
        " 000 000 ",
        hostileString(r),
      ]),
    ]);
    protect.push("code");
  }
  if (kind === "passkey") {
    extra.push([
      "passkey_response",
      r.pick([
        "",
        "{}",
        "null",
        "[]",
        '{"id":"AAAA","rawId":"AAAA","type":"public-key","response":{"clientDataJSON":"e30","authenticatorData":"AAAA","signature":"AAAA"},"clientExtensionResults":{}}',
        JSON.stringify({ id: hostileString(r), type: "public-key" }),
        hostileString(r),
      ]),
    ]);
    protect.push("passkey_response");
  }
  if (kind === "send_reset") {
    extra.push([
      "identifier",
      r.pick(["alice", "bob@example.com", hostileString(r)]),
    ]);
  }
  if (kind === "register" || kind === "create_account") {
    extra.push(["invite", r.pick(["", "x".repeat(43), hostileString(r)])]);
    extra.push(["username", r.pick(["newbie", "alice", hostileString(r)])]);
    extra.push(["email", r.pick(["n@example.com", "", hostileString(r)])]);
    extra.push(["password", r.pick(["long enough pw", hostileString(r)])]);
    protect.push("invite");
  }
  if (kind === "change_password") {
    extra.push([
      "ticket",
      r.pick([
        "",
        `${w.aliceID}.99999999999.${"A".repeat(43)}`,
        `${w.bobID}.1.${"B".repeat(43)}`,
        hostileString(r),
      ]),
    ]);
    extra.push(["new_password", r.pick(["a new long pw", hostileString(r)])]);
    extra.push(["confirm_password", "a new long pw"]);
    protect.push("ticket");
  }
  if (kind === "consent") {
    // A good token with "allow" on a valid request would record consent.
    extra.push([
      "decision",
      csrf.good
        ? r.pick(["deny", "", "ALLOW", "allow ", hostileString(r)])
        : r.pick(["allow", "deny"]),
    ]);
    protect.push("decision");
  }
  const { entries, notes } = mutate(r, [...base, ...extra], protect);
  const cookie = kind === "request"
    ? cookieHeader(r, w)
    : `sid=${w.bob.sid}; csrf=${w.bob.csrf}`;
  return finish(r, {
    label: `POST /authorize ${kind} ${csrf.note} ${notes.join(", ")}`,
    method: "POST",
    path: r.chance(0.1)
      ? `/authorize?client_id=${pct(hostileString(r))}`
      : "/authorize",
    headers: formHeaders(r, csrf, cookie),
    body: kind === "login" && r.chance(0.05)
      ? "password=" + "p".repeat(ONE_MIB + 10)
      : encode(r, entries),
    ip: r.ip(),
    surface: "browser",
    expect: kind === "request" ? "any" : "any",
  });
}

// ------------------------------------------------- client authentication

interface Auth {
  headers: [string, string | null][];
  entries: Entries;
  /** The client that authenticates successfully, or null. */
  client: string | null;
  note: string;
}

function latin1Base64(text: string): string {
  return btoa(
    Array.from(new TextEncoder().encode(text), (b) => String.fromCharCode(b))
      .join(""),
  );
}

/**
 * `eitherSecretMethod`: the endpoint takes a confidential client's secret
 * by Basic or in the body, whichever it registered (/revoke, /introspect).
 */
function clientAuth(
  r: Random,
  w: World,
  options: { eitherSecretMethod?: boolean } = {},
): Auth {
  switch (r.int(10)) {
    case 0:
    case 1:
      return {
        headers: [],
        entries: [["client_id", "demo-web"]],
        client: "demo-web",
        note: "public",
      };
    case 2:
      return {
        headers: [["Authorization", basicHeader(w.basic.id, w.basic.secret)]],
        entries: [],
        client: w.basic.id,
        note: "basic",
      };
    case 3:
      return {
        headers: [],
        entries: [["client_id", w.post.id], ["client_secret", w.post.secret]],
        client: w.post.id,
        note: "post",
      };
    default:
      return brokenAuth(r, w, options);
  }
}

/** Client authentication that must fail (where the endpoint keeps to the registered method). */
function brokenAuth(
  r: Random,
  w: World,
  options: { eitherSecretMethod?: boolean },
): Auth {
  const bad = (header: string, note: string): Auth => ({
    headers: [["Authorization", header]],
    entries: [],
    client: null,
    note,
  });
  const body = (entries: Entries, note: string): Auth => ({
    headers: [],
    entries,
    client: null,
    note,
  });
  switch (r.int(22)) {
    case 0:
      return bad("Basic !!!not-base64!!!", "basic bad base64");
    case 1:
      return bad(`Basic ${btoa("no-colon-here")}`, "basic no colon");
    case 2:
      return bad(`Basic ${btoa("%zz:%")}`, "basic bad percent");
    case 3:
      return bad(
        `Basic ${btoa(`${w.victim.id}:${"A".repeat(70000)}`)}`,
        "basic huge secret",
      );
    case 4:
      return bad(`Basic ${"A".repeat(r.pick([70000, ONE_MIB]))}`, "basic huge");
    case 5:
      return bad("Basic", "basic empty");
    case 6:
      return bad("Basic ", "basic blank");
    case 7:
      return bad(
        `Basic ${latin1Base64(`${hostileString(r)}:${hostileString(r)}`)}`,
        "basic hostile",
      );
    case 8:
      return bad(basicHeader(w.victim.id, "wrong"), "basic wrong secret");
    case 9:
      return bad(basicHeader(w.victim.id, ""), "basic empty secret");
    case 10:
      return bad(
        `${basicHeader(w.basic.id, w.basic.secret)}x`,
        "basic trailing junk",
      );
    case 11:
      return bad(
        basicHeader("demo-web", "secret"),
        "public client with secret",
      );
    case 12:
      return bad(`Basic ${btoa(":")}`, "basic colon only");
    case 13:
      return bad(`Bearer ${w.live.aliceAccess}`, "bearer instead of basic");
    case 14:
      return {
        headers: [["Authorization", basicHeader(w.basic.id, w.basic.secret)]],
        entries: [["client_secret", w.basic.secret]],
        client: null,
        note: "basic and post",
      };
    case 15:
      return {
        headers: [["Authorization", basicHeader(w.basic.id, w.basic.secret)]],
        entries: [["client_id", w.post.id]],
        client: null,
        note: "basic vs body client_id",
      };
    case 16:
      return body([["client_id", w.victim.id], [
        "client_secret",
        hostileString(r),
      ]], "post wrong secret");
    case 17: {
      const entries: Entries = [["client_id", w.basic.id], [
        "client_secret",
        w.basic.secret,
      ]];
      return options.eitherSecretMethod
        ? {
          headers: [],
          entries,
          client: w.basic.id,
          note: "post for a basic client",
        }
        : body(entries, "post for a basic client");
    }
    case 18:
      return body([["client_id", hostileString(r)]], "hostile client_id");
    case 19:
      return body([], "no client");
    case 20:
      return body(
        [["client_id", "demo-web"], ["client_secret", ""]],
        "public with empty secret",
      );
    default:
      return bad(
        `Basic ${btoa(`${encodeURIComponent("fz-basic\u0000")}:x`)}`,
        "basic NUL id",
      );
  }
}

// --------------------------------------------------------------- /token

export function tokenCase(r: Random, w: World): FuzzCase {
  const auth = clientAuth(r, w);
  const grant = r.pick([
    "authorization_code",
    "authorization_code",
    "refresh_token",
    "refresh_token",
    "client_credentials",
    "password",
    "implicit",
    hostileString(r),
  ]);
  const entries: Entries = [["grant_type", grant], ...auth.entries];
  const protect = ["grant_type", "client_id", "client_secret"];
  if (grant === "authorization_code") {
    const codes = [
      hostileString(r),
      w.dead.usedCode,
      tamper(r, w.live.unusedCode),
      w.live.aliceRefresh,
    ];
    // The unused code is only ever presented by clients it was not issued to.
    if (auth.client !== "demo-web") codes.push(w.live.unusedCode);
    entries.push(["code", r.pick(codes)]);
    protect.push("code");
    if (r.chance(0.8)) {
      entries.push([
        "code_verifier",
        r.pick([
          w.live.unusedCodeVerifier,
          w.dead.usedCodeVerifier,
          hostileString(r),
          "a".repeat(43),
          "a".repeat(129),
        ]),
      ]);
    }
    if (r.chance(0.8)) {
      entries.push([
        "redirect_uri",
        r.pick([DEMO_REDIRECT, unregisteredURI(r)]),
      ]);
    }
  } else if (grant === "refresh_token") {
    const token = r.pick([
      w.live.aliceRefresh,
      w.live.basicRefresh,
      w.dead.rotatedRefresh,
      tamper(r, w.live.aliceRefresh),
      w.live.aliceAccess,
      hostileString(r),
    ]);
    entries.push(["refresh_token", token]);
    protect.push("refresh_token");
    const own = (token === w.live.aliceRefresh && auth.client === "demo-web") ||
      (token === w.live.basicRefresh && auth.client === w.basic.id);
    if (own) {
      // Its own live token: the scope must widen, so rotation never happens.
      entries.push([
        "scope",
        `zz${r.int(1e6)} ${r.pick(["openid", hostileString(r)])}`,
      ]);
      protect.push("scope");
    } else if (r.chance(0.5)) {
      entries.push(["scope", hostileString(r)]);
    }
  } else if (grant === "client_credentials") {
    // Always a scope outside the policy: a success would mint a token.
    entries.push([
      "scope",
      `zz${r.int(1e6)} ${r.pick(["profile", hostileString(r)])}`,
    ]);
    protect.push("scope");
  }
  const { entries: mutated, notes } = mutate(r, entries, protect);
  const asJSON = r.chance(0.07);
  // OPTIONS is a CORS preflight: 204 is its right answer.
  const method = r.chance(0.04) ? r.pick(["GET", "PUT", "OPTIONS"]) : "POST";
  return finish(r, {
    label: `${method} /token ${grant.slice(0, 30)} ${auth.note} ${
      notes.join(", ")
    }`,
    method,
    path: r.chance(0.08) ? `/token?${encode(r, mutated)}` : "/token",
    headers: [
      ["Accept", acceptHeader(r)],
      ["Content-Type", asJSON ? "application/json" : contentType(r, FORM)],
      ["Origin", r.pick([null, "https://evil.example"])],
      ...auth.headers,
    ],
    body: asJSON
      ? JSON.stringify(Object.fromEntries(mutated))
      : encode(r, mutated),
    ip: auth.client ? FIXED_CLIENT_IP : r.ip(),
    surface: "api",
    expect: method === "OPTIONS" ? "any" : "4xx",
  });
}

// ----------------------------------------------------------- /userinfo

export function userinfoCase(r: Random, w: World): FuzzCase {
  const token = r.pick([
    w.live.aliceAccess,
    w.live.basicAccess,
    w.live.ccAccess,
    w.live.jwtAccess,
    w.live.aliceRefresh,
    w.dead.revokedAccess,
    tamper(r, w.live.aliceAccess),
    fakeJWT(r, w.live.aliceIDToken),
    hostileString(r),
  ]);
  const authorization = r.pick([
    null,
    `Bearer ${token}`,
    `Bearer ${token}`,
    `bearer ${token}`,
    `Bearer  ${token} `,
    `Bearer ${token} extra`,
    "Bearer",
    "Bearer ",
    `Bearer ${"A".repeat(r.pick([8193, ONE_MIB]))}`,
    `Basic ${btoa("a:b")}`,
    `Bearer ${token},Bearer ${token}`,
    `Bearer=${token}`,
    hostileString(r),
  ]);
  const method = r.pick(["GET", "POST", "POST", "PUT", "DELETE", "OPTIONS"]);
  let path = "/userinfo";
  if (r.chance(0.15)) path += `?access_token=${pct(token)}`;
  else if (r.chance(0.1)) {
    path += `?${encode(r, [[hostileString(r), hostileString(r)]])}`;
  }
  let body: string | undefined;
  if (method !== "GET" && method !== "HEAD" && r.chance(0.6)) {
    const { entries } = mutate(r, [["access_token", token]]);
    body = r.chance(0.1)
      ? JSON.stringify({ access_token: token })
      : encode(r, entries);
  }
  return finish(r, {
    label: `${method} /userinfo`,
    method,
    path,
    headers: [
      ["Accept", acceptHeader(r)],
      ["Authorization", authorization],
      ["Content-Type", body ? contentType(r, FORM) : null],
      ["Origin", r.pick([null, "https://evil.example"])],
      ["Access-Control-Request-Method", method === "OPTIONS" ? "GET" : null],
    ],
    body,
    ip: r.ip(),
    surface: "api",
    expect: "any",
  });
}

// ------------------------------------------------- /revoke, /introspect

/** Live tokens each client owns (revoking those would change data). */
function ownTokens(w: World, client: string | null): string[] {
  if (client === "demo-web") return [w.live.aliceAccess, w.live.aliceRefresh];
  if (client === w.basic.id) {
    return [w.live.basicAccess, w.live.basicRefresh, w.live.ccAccess];
  }
  if (client === w.post.id) return [w.live.jwtAccess];
  return [];
}

export function tokenManagementCase(
  r: Random,
  w: World,
  path: "/revoke" | "/introspect",
): FuzzCase {
  const auth = clientAuth(r, w, { eitherSecretMethod: true });
  let pool = [
    w.live.aliceAccess,
    w.live.aliceRefresh,
    w.live.basicAccess,
    w.live.basicRefresh,
    w.live.ccAccess,
    w.live.jwtAccess,
    w.dead.rotatedRefresh,
    w.dead.revokedAccess,
    w.dead.usedCode,
    tamper(r, w.live.aliceAccess),
    fakeJWT(r, w.live.jwtAccess),
    hostileString(r),
  ];
  if (path === "/revoke") {
    const own = ownTokens(w, auth.client);
    pool = pool.filter((t) => !own.includes(t));
  }
  const entries: Entries = [...auth.entries];
  if (r.chance(0.9)) entries.push(["token", r.pick(pool)]);
  if (r.chance(0.4)) {
    entries.push([
      "token_type_hint",
      r.pick(["access_token", "refresh_token", "id_token", hostileString(r)]),
    ]);
  }
  const { entries: mutated, notes } = mutate(r, entries, [
    "token",
    "client_id",
    "client_secret",
  ]);
  return finish(r, {
    label: `POST ${path} ${auth.note} ${notes.join(", ")}`,
    method: r.chance(0.05) ? "GET" : "POST",
    path,
    headers: [
      ["Accept", acceptHeader(r)],
      ["Content-Type", contentType(r, FORM)],
      ...auth.headers,
    ],
    body: encode(r, mutated),
    ip: auth.client ? FIXED_CLIENT_IP : r.ip(),
    surface: "api",
    expect: "any",
  });
}

// ------------------------------------------------- /end_session, /logout

export function logoutCase(r: Random, w: World): FuzzCase {
  const path = r.pick(["/end_session", "/logout"]);
  const method = r.pick(["GET", "GET", "POST"]);
  const hints = [
    fakeJWT(r, w.live.aliceIDToken),
    hostileString(r),
    w.live.aliceAccess,
  ];
  // A valid hint on /logout revokes alice's tokens even without a session.
  if (path === "/end_session") hints.push(w.live.aliceIDToken);
  const entries: Entries = [];
  if (r.chance(0.6)) entries.push(["id_token_hint", r.pick(hints)]);
  if (r.chance(0.5)) {
    entries.push([
      "client_id",
      r.pick(["demo-web", w.basic.id, "nope", hostileString(r)]),
    ]);
  }
  if (r.chance(0.6)) {
    entries.push([
      "post_logout_redirect_uri",
      r.pick([
        "http://localhost:3000/",
        "https://rp.example.com/bye",
        unregisteredURI(r),
        "http://localhost:3000",
        "http://localhost:3000/?",
        "https://rp.example.com/bye/",
        "https://rp.example.com/bye?next=https://evil.example",
      ]),
    ]);
  }
  if (r.chance(0.4)) entries.push(["state", hostileString(r)]);
  const cookie = cookieHeader(r, w);
  const withBob = cookie?.includes(w.bob.sid) ?? false;
  const csrf = csrfVariant(r, w.bob.csrf);
  const protect: string[] = [];
  if (method === "POST" && r.chance(0.6)) {
    entries.push(["confirm", r.pick(["yes", "no", "YES"])]);
    // Confirming with a good token would end bob's session.
    if (!(csrf.good && withBob)) {
      if (csrf.field !== null) entries.push(["csrf_token", csrf.field]);
    } else entries.push(["csrf_token", "x".repeat(43)]);
    protect.push("confirm", "csrf_token", "id_token_hint");
  }
  const { entries: mutated, notes } = mutate(r, entries, protect);
  const query = encode(r, mutated);
  return finish(r, {
    label: `${method} ${path} ${csrf.note} ${notes.join(", ")}`,
    method,
    path: method === "GET" ? `${path}?${query}` : path,
    headers: method === "GET"
      ? [["Accept", acceptHeader(r)], ["Cookie", cookie]]
      : formHeaders(r, csrf, cookie),
    body: method === "POST" ? query : undefined,
    ip: r.ip(),
    surface: "browser",
    expect: "any",
  });
}

// --------------------------------------------------- /setup, /admin/login

export function setupCase(r: Random, w: World): FuzzCase {
  const csrf = csrfVariant(r, w.bob.csrf);
  const method = r.pick(["GET", "POST", "POST", "PUT"]);
  const entries: Entries = csrf.field === null
    ? []
    : [["csrf_token", csrf.field]];
  if (r.chance(0.3)) entries.push([hostileString(r), hostileString(r)]);
  return finish(r, {
    label: `${method} /setup ${csrf.note}`,
    method,
    path: r.chance(0.2)
      ? `/setup?${encode(r, [["x", hostileString(r)]])}`
      : "/setup",
    headers: formHeaders(
      r,
      csrf,
      r.chance(0.8) ? `csrf=${w.bob.csrf}` : cookieHeader(r, w),
    ),
    body: method === "GET" ? undefined : encode(r, entries),
    ip: r.ip(),
    surface: "browser",
    expect: method === "GET" ? "any" : "4xx",
  });
}

export function adminLoginCase(r: Random, w: World): FuzzCase {
  const csrf = csrfVariant(r, w.bob.csrf);
  const method = r.pick(["GET", "POST", "POST", "POST", "DELETE"]);
  const entries: Entries = csrf.field === null
    ? []
    : [["csrf_token", csrf.field]];
  entries.push([
    "token",
    r.pick([
      hostileString(r),
      tamper(r, w.adminToken),
      differentCase(w.adminToken),
      "A".repeat(r.pick([513, 70000])),
    ]),
  ]);
  const { entries: mutated, notes } = mutate(r, entries, [
    "token",
    "csrf_token",
  ]);
  return finish(r, {
    label: `${method} /admin/login ${csrf.note} ${notes.join(", ")}`,
    method,
    path: "/admin/login",
    headers: formHeaders(
      r,
      csrf,
      r.chance(0.8) ? `csrf=${w.bob.csrf}` : cookieHeader(r, w),
    ),
    body: method === "GET" ? undefined : encode(r, mutated),
    ip: r.ip(),
    surface: "browser",
    expect: method === "GET" ? "any" : "4xx",
  });
}

// ------------------------------------------------------------- /account

/**
 * /account/security and /account/login. Bob has a second factor and his
 * session passed only the password, so every change on the security page
 * is refused until he proves it; the codes, passwords and passkeys sent
 * are never right ones.
 */
export function accountSecurityCase(r: Random, w: World): FuzzCase {
  const path = r.pick(["/account/security", "/account/login"]);
  const method = r.pick(["GET", "POST", "POST", "POST", "PUT"]);
  const csrf = csrfVariant(r, w.bob.csrf);
  const entries: Entries = csrf.field === null
    ? []
    : [["csrf_token", csrf.field]];
  const action = path === "/account/login"
    ? r.pick(["login", "passkey", hostileString(r)])
    : r.pick([
      "verify_totp",
      "verify_recovery",
      "verify_passkey",
      "reauth",
      "totp_start",
      "totp_confirm",
      "totp_disable",
      "recovery_regenerate",
      "passkey_register",
      "passkey_rename",
      "passkey_delete",
      hostileString(r),
    ]);
  entries.push(["_action", action]);
  const now = new Set(
    [-1, 0, 1].map((s) => totpCode(w.bob.totpSecret, w.t.deps.now() + 30 * s)),
  );
  const guess = String(r.int(1_000_000)).padStart(6, "0");
  entries.push(
    ["code", now.has(guess) ? "" : r.pick([guess, hostileString(r)])],
    ["password", r.pick(["wrong", "", "Bob", "bob ", hostileString(r)])],
    ["username", r.pick(["bob", "alice", hostileString(r)])],
    ["name", hostileString(r)],
    ["credential_id", r.pick(["AAAA", "", hostileString(r)])],
    [
      "passkey_response",
      r.pick(["", "{}", "null", hostileString(r), '{"id":"AAAA"}']),
    ],
  );
  const { entries: mutated, notes } = mutate(r, entries, [
    "csrf_token",
    "_action",
    "code",
    "password",
  ]);
  const bobs = r.chance(0.8);
  return finish(r, {
    label: `${method} ${path} ${action.slice(0, 20)} ${csrf.note} ${
      notes.join(", ")
    }`,
    method,
    path: r.chance(0.2)
      ? `${path}?notice=${pct(hostileString(r))}&next=${pct(hostileString(r))}`
      : path,
    headers: formHeaders(
      r,
      csrf,
      bobs ? `sid=${w.bob.sid}; csrf=${w.bob.csrf}` : cookieHeader(r, w),
    ),
    body: method === "GET" ? undefined : encode(r, mutated),
    ip: r.ip(),
    surface: "browser",
    expect: "any",
  });
}

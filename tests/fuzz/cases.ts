/**
 * The fuzzer's request generators, weighted: each case is either invalid
 * by construction (`expect: "4xx"`) or may be a request the spec lets
 * succeed (a login page, introspection, revocation of an unknown token); in
 * both cases nothing it does may change the database, so a generator never
 * pairs a live credential with everything else valid.
 * @module
 */
import { accountCase } from "./account_cases.ts";
import { adminCase } from "./admin_cases.ts";
import {
  accountSecurityCase,
  adminLoginCase,
  authorizeGET,
  authorizePOST,
  logoutCase,
  setupCase,
  tokenCase,
  tokenManagementCase,
  userinfoCase,
} from "./oauth_cases.ts";
import type { FuzzCase } from "./oracle.ts";
import type { Random } from "./prng.ts";
import {
  acceptHeader,
  contentType,
  cookieHeader,
  encode,
  finish,
  FORM,
} from "./request_parts.ts";
import { hostileString, pct } from "./values.ts";
import type { World } from "./world.ts";

// ------------------------------------------------------ everything else

function miscCase(r: Random, w: World): FuzzCase {
  const path = r.pick([
    "/.well-known/openid-configuration",
    "/.well-known/jwks.json",
    "/.well-known/oauth-authorization-server",
    "/.well-known/../admin/scopes",
    "/.well-known/%2e%2e/admin/scopes",
    "/static/..%2f..%2fdeno.json",
    "/static/%2e%2e/%2e%2e/lib/app.tsx",
    "/static/app.css%00.js",
    "/static/",
    "/healthz",
    "/branding/theme.css",
    "/branding/theme.css?v=%00",
    "/branding/logo",
    "/branding/logo?v=..%2f..%2f",
    "/",
    "//evil.example",
    "/%2F%2Fevil.example",
    "/admin",
    "/admin/",
    "/admin/ui/../../setup",
    "/authorize/",
    "/token/",
    "/index",
    "/routes.gen.ts",
    `/${"x".repeat(70000)}`,
    `/${pct(hostileString(r, { big: 0 }) || "~")}`,
  ]);
  const method = r.pick([
    "GET",
    "GET",
    "HEAD",
    "POST",
    "PUT",
    "DELETE",
    "OPTIONS",
    "PATCH",
  ]);
  const q = r.chance(0.4)
    ? `?${encode(r, [[hostileString(r), hostileString(r)]])}`
    : "";
  return finish(r, {
    label: `${method} ${path.slice(0, 40)}`,
    method,
    path: path + q,
    headers: [
      ["Accept", acceptHeader(r)],
      ["Cookie", cookieHeader(r, w)],
      ["If-None-Match", r.chance(0.2) ? hostileString(r) : null],
      [
        "Content-Type",
        method === "GET" || method === "HEAD" ? null : contentType(r, FORM),
      ],
    ],
    body: method === "GET" || method === "HEAD" ? undefined : hostileString(r),
    ip: r.ip(),
    surface: "mixed",
    expect: "any",
  });
}

/** Weighted table of generators. */
const GENERATORS: [number, (r: Random, w: World) => FuzzCase][] = [
  [12, authorizeGET],
  [10, authorizePOST],
  [16, tokenCase],
  [6, userinfoCase],
  [6, (r, w) => tokenManagementCase(r, w, "/revoke")],
  [6, (r, w) => tokenManagementCase(r, w, "/introspect")],
  [8, logoutCase],
  [3, setupCase],
  [4, adminLoginCase],
  [5, accountSecurityCase],
  [24, adminCase],
  [5, miscCase],
  [8, accountCase],
];

export function nextCase(r: Random, w: World): FuzzCase {
  const total = GENERATORS.reduce((s, [weight]) => s + weight, 0);
  let roll = r.next() * total;
  for (const [weight, gen] of GENERATORS) {
    roll -= weight;
    if (roll < 0) return gen(r, w);
  }
  return GENERATORS[0][1](r, w);
}

/**
 * Before setup: only requests that cannot complete it or sign anyone in.
 * Any browser GET may answer 303 to /setup then.
 */
export function preSetupCase(r: Random, w: World): FuzzCase {
  const c = preSetupDraw(r, w);
  return c.method === "GET" || c.method === "HEAD"
    ? { ...c, expect: "any" }
    : c;
}

function preSetupDraw(r: Random, w: World): FuzzCase {
  const roll = r.int(6);
  if (roll === 0) {
    const c = setupCase(r, w);
    // A good CSRF pair would complete setup: always break it here.
    if (c.method === "POST" && /good csrf/.test(c.label)) {
      return {
        ...c,
        headers: c.headers.filter(([k]) => k !== "Cookie"),
        label: c.label + " (cookie dropped)",
      };
    }
    return c;
  }
  if (roll === 1) return adminLoginCase(r, w);
  if (roll === 2) return { ...adminCase(r, w), expect: "any" };
  if (roll === 3) return authorizeGET(r, w);
  if (roll === 4) return tokenCase(r, w);
  return miscCase(r, w);
}

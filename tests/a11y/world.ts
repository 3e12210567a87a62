/**
 * The data the accessibility pass looks at: a server some weeks into use,
 * built the way it would be (first-time setup, then the admin API, then
 * people signing in), so every page has rows to show: users active,
 * disabled and without email; public, confidential and machine clients;
 * a custom scope; active, pending and retired keys; live sessions,
 * consents, issued and revoked tokens; and audit rows of every kind.
 * @module
 */
import type { BrowserContext } from "playwright-core";
import { generatePKCE } from "../../lib/oauth/pkce.ts";
import { basic } from "../helpers/clients.ts";
import {
  DEMO_REDIRECT,
  demoTokens,
  runAuthorize,
  seedDemo,
  tokenRequest,
} from "../helpers/oauth.ts";
import {
  completeSetupFor,
  CookieJar,
  signInAdmin,
  type TestApp,
} from "../helpers/test_app.ts";

/** A client that asks for consent every time (the consent page). */
export const PHOTOS_CLIENT = "photos";
export const PHOTOS_REDIRECT = "https://photos.example/callback";

export interface World {
  t: TestApp;
  adminToken: string;
  /** Ids the page paths need. */
  ids: { alice: string; carol: string; retiredKid: string };
}

/** The world's server: people may create accounts (the registration pages). */
export const WORLD_ENV = { REGISTRATION: "open" };

/** A user whose admin asked for a new password (the forced-change page). */
export const ERIN = { username: "erin", password: "erin-password-1" };

/** The branding of the branded pass: a purple accent, a logo, a support link. */
export const BRANDING = {
  name: "Acme Konto",
  accent_color: "#6b21a8",
  support_url: "https://help.acme.example/",
};

const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 10"><rect width="40" height="10" rx="2" fill="#6b21a8"/></svg>';

/** Gives the world's server the branding above (admin API). */
export async function brandWorld(world: World): Promise<void> {
  await adminAPI(
    world.t,
    world.adminToken,
    "PATCH",
    "/admin/branding",
    BRANDING,
  );
  await adminAPI(world.t, world.adminToken, "PUT", "/admin/branding/logo", {
    data: btoa(LOGO_SVG),
  });
}

// deno-lint-ignore no-explicit-any
type JSONBody = any;

async function adminAPI(
  t: TestApp,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<JSONBody> {
  const res = await t.fetch(path, {
    method,
    headers: {
      "X-Admin-Token": token,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** Sets up `t` and fills it with the data described above. */
export async function buildWorld(t: TestApp): Promise<World> {
  const adminToken = await completeSetupFor(t);
  const api = (method: string, path: string, body?: unknown) =>
    adminAPI(t, adminToken, method, path, body);
  await seedDemo(t); // alice, bob, demo-web

  await api("POST", "/admin/scopes", {
    name: "files.read",
    description: "Read your files",
    claims: [],
  });
  await api("POST", "/admin/clients", {
    client_id: PHOTOS_CLIENT,
    client_name: "Photo Album",
    redirect_uris: [PHOTOS_REDIRECT],
    scope: "openid profile email files.read",
    consent_policy: "always",
  });
  const billing = await api("POST", "/admin/clients", {
    client_id: "billing",
    client_name: "Billing Service",
    grant_types: ["client_credentials"],
    redirect_uris: [],
    scope: "files.read",
  });
  const carol = await api("POST", "/admin/users", {
    username: "carol",
    password: "carol-password-1",
    email: "carol@example.org",
    email_verified: false,
    claims: { name: "Carol Danvers" },
  });
  await api("PATCH", `/admin/users/${carol.id}`, { disabled: true });
  await api("POST", "/admin/users", {
    username: "dave",
    password: "dave-password-1",
  });
  const erin = await api("POST", "/admin/users", ERIN);
  await api("PATCH", `/admin/users/${erin.id}`, { must_change_password: true });

  // Keys: ES256 signs at once (first of its alg) and is then retired; a
  // second RS256 key waits to sign (pending) beside the active one.
  const es = await api("POST", "/admin/keys/rotate", { alg: "ES256" });
  await api("POST", `/admin/keys/${es.kid}/retire`);
  await api("POST", "/admin/keys/rotate", { alg: "RS256" });

  // People sign in: alice and bob get tokens (sessions, consents, audit
  // rows); a wrong password is an audit row too.
  await demoTokens(t);
  await demoTokens(t, {}, { username: "bob", password: "bob" });
  await runAuthorize(t, demoParamsFor("demo-web"), {
    username: "alice",
    password: "not her password",
  });
  // A machine client's tokens, one of them revoked.
  const billingAuth = {
    Authorization: basic("billing", billing.client_secret),
  };
  const tokens: string[] = [];
  for (let i = 0; i < 2; i++) {
    const issued = await tokenRequest(t, {
      grant_type: "client_credentials",
    }, billingAuth);
    if (issued.status !== 200) throw new Error(`token: ${issued.status}`);
    tokens.push(issued.body.access_token as string);
  }
  const revoked = await t.fetch("/revoke", {
    method: "POST",
    headers: {
      ...billingAuth,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token: tokens[0] }),
  });
  if (revoked.status !== 200) throw new Error(`revoke: ${revoked.status}`);

  const users: { id: string; username: string }[] = await api(
    "GET",
    "/admin/users",
  );
  return {
    t,
    adminToken,
    ids: {
      alice: users.find((u) => u.username === "alice")!.id,
      carol: carol.id,
      retiredKid: es.kid,
    },
  };
}

/** Authorization request parameters for `clientID` with PKCE. */
export function demoParamsFor(
  clientID: string,
  extra: Record<string, string> = {},
): { client_id: string } & Record<string, string> {
  return {
    client_id: clientID,
    response_type: "code",
    redirect_uri: clientID === PHOTOS_CLIENT ? PHOTOS_REDIRECT : DEMO_REDIRECT,
    scope: clientID === PHOTOS_CLIENT
      ? "openid profile email files.read"
      : "openid profile email offline_access",
    code_challenge: generatePKCE().code_challenge,
    code_challenge_method: "S256",
    state: "state-a11y",
    nonce: "nonce-a11y",
    ...extra,
  };
}

/** The /authorize URL path for `clientID` (see demoParamsFor). */
export function authorizePath(
  clientID: string,
  extra: Record<string, string> = {},
): string {
  return `/authorize?${new URLSearchParams(demoParamsFor(clientID, extra))}`;
}

/** Who is signed in in the browser when a page is checked. */
export type Visitor = "nobody" | "user" | "admin";

/** Copies a cookie jar of in-process requests into a browser context. */
async function addJar(
  context: BrowserContext,
  base: string,
  jar: CookieJar,
): Promise<void> {
  const cookies = jar.header().split("; ").filter(Boolean).map((pair) => {
    const eq = pair.indexOf("=");
    return {
      name: pair.slice(0, eq),
      value: pair.slice(eq + 1),
      url: `${base}/`,
    };
  });
  await context.addCookies(cookies);
}

/**
 * Signs `who` in for `context`: a new session each time (alice through the
 * sign-in form in-process, or the admin at /admin/login), so a page that
 * ends a session (sign-out) leaves the others theirs.
 */
export async function signIn(
  world: World,
  context: BrowserContext,
  who: Visitor,
): Promise<void> {
  if (who === "nobody") return;
  const { t } = world;
  if (who === "admin") {
    await addJar(context, t.base, await signInAdmin(t, world.adminToken));
    return;
  }
  const flow = await runAuthorize(t, demoParamsFor("demo-web"), {
    username: "alice",
    password: "alice",
  });
  if (!flow.location?.searchParams.get("code")) {
    throw new Error(`alice could not sign in: ${flow.response.status}`);
  }
  await addJar(context, t.base, flow.jar);
}

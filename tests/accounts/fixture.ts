/**
 * Fixture for the second-factor and passkey tests: the app with demo data
 * (alice/alice, bob/bob, demo-web), /account/login and /account/security
 * driven as a browser does (forms parsed from the server's HTML), TOTP
 * codes computed by an independent implementation (the otpauth library)
 * from the key the enrolment page shows, and ID tokens read.
 * @module
 */
import assert from "node:assert/strict";
import * as OTPAuth from "otpauth";
import { decodeJwt } from "jose";
import {
  DEMO_REDIRECT,
  demoParams,
  readPage,
  seedDemo,
  tokenRequest,
} from "../helpers/oauth.ts";
import {
  completeSetupFor,
  CookieJar,
  openForm,
  postForm,
  startTestApp,
  type TestApp,
  type TestAppOptions,
} from "../helpers/test_app.ts";

export const SECURITY = "/account/security";

/** The app, set up, with the demo data. */
export async function startAccountsApp(
  options: TestAppOptions = {},
): Promise<TestApp> {
  const t = await startTestApp(options);
  try {
    await completeSetupFor(t);
    await seedDemo(t);
    return t;
  } catch (err) {
    await t.close();
    throw err;
  }
}

/** Signs in at /account/login; the jar then holds `sid`. */
export async function signInAccount(
  t: TestApp,
  username = "alice",
  jar = new CookieJar(),
): Promise<CookieJar> {
  const csrf = await openForm(t, "/account/login", jar);
  const res = await postForm(t, "/account/login", {
    csrf_token: csrf,
    _action: "login",
    username,
    password: username,
  }, jar);
  await res.body?.cancel();
  assert.equal(res.status, 303, "account sign-in redirects");
  assert.ok(jar.get("sid"));
  return jar;
}

/** Posts a form of /account/security (with the jar's CSRF token). */
export async function securityPost(
  t: TestApp,
  jar: CookieJar,
  fields: Record<string, string>,
): Promise<
  {
    status: number;
    html: string;
    location: string | null;
    retryAfter: string | null;
  }
> {
  const csrf = await openForm(t, SECURITY, jar);
  const res = await postForm(t, SECURITY, { csrf_token: csrf, ...fields }, jar);
  return {
    status: res.status,
    html: await res.text(),
    location: res.headers.get("Location"),
    retryAfter: res.headers.get("Retry-After"),
  };
}

/** The code the authenticator app shows now (or `offset` steps later). */
export function codeFor(t: TestApp, secret: string, offset = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) })
    .generate({ timestamp: (t.deps.now() + offset * 30) * 1000 });
}

/** The recovery codes a page shows (once). */
export function recoveryCodesOn(html: string): string[] {
  const list =
    html.match(/<ol class="codes mono" id="recovery-code-list">(.*?)<\/ol>/s)
      ?.[1] ?? "";
  return [...list.matchAll(/<li>([a-z2-7-]+)<\/li>/g)].map((m) => m[1]);
}

export interface Enrolled {
  secret: string;
  recoveryCodes: string[];
  /** The QR code image the enrolment page showed (a data: URI). */
  qr: string;
}

/** Sets up the authenticator app on /account/security, as a person does. */
export async function enrolTOTP(t: TestApp, jar: CookieJar): Promise<Enrolled> {
  const start = await securityPost(t, jar, { _action: "totp_start" });
  assert.equal(start.status, 200);
  const key = start.html.match(/id="totp-key">([A-Z2-7 ]+)</)?.[1];
  assert.ok(key, "the enrolment page shows the key");
  const qr = start.html.match(/<img class="qr" src="([^"]+)"/)?.[1];
  assert.ok(qr, "the enrolment page shows a QR code");
  const secret = key.replaceAll(" ", "");
  const confirm = await securityPost(t, jar, {
    _action: "totp_confirm",
    code: codeFor(t, secret),
  });
  assert.equal(confirm.status, 200, confirm.html.slice(0, 300));
  const recoveryCodes = recoveryCodesOn(confirm.html);
  return { secret, recoveryCodes, qr };
}

export interface FlowStep {
  status: number;
  html: string;
  location: URL | null;
  title: string;
  fields: Record<string, string>;
}

async function step(res: Response): Promise<FlowStep> {
  const html = res.headers.get("Content-Type")?.includes("html")
    ? await res.text()
    : "";
  const loc = res.headers.get("Location");
  const page = readPage(html);
  return {
    status: res.status,
    html,
    location: loc ? new URL(loc) : null,
    title: page.title,
    fields: page.fields,
  };
}

/** GET /authorize as a browser with `jar`. */
export async function authorize(
  t: TestApp,
  params: Record<string, string>,
  jar: CookieJar,
): Promise<FlowStep> {
  const res = await t.fetch(`/authorize?${new URLSearchParams(params)}`, {
    headers: { Accept: "text/html", Cookie: jar.header() },
    redirect: "manual",
  });
  jar.capture(res);
  return await step(res);
}

/** The hidden fields of the form on a page that posts `_action=<action>`. */
export function formFields(
  html: string,
  action: string,
): Record<string, string> {
  for (const form of html.matchAll(/<form[^>]*>(.*?)<\/form>/gs)) {
    const page = readPage(form[1]);
    if (page.fields._action === action) return page.fields;
  }
  throw new Error(`no form with _action=${action}`);
}

/** Posts a form of the /authorize flow. */
export async function authorizePost(
  t: TestApp,
  fields: Record<string, string>,
  jar: CookieJar,
): Promise<FlowStep> {
  return await step(await postForm(t, "/authorize", fields, jar));
}

/** Exchanges a demo-web code and answers the ID token's claims. */
export async function idTokenClaims(
  t: TestApp,
  code: string,
  verifier: string,
): Promise<Record<string, unknown>> {
  const { status, body } = await tokenRequest(t, {
    grant_type: "authorization_code",
    client_id: "demo-web",
    code,
    code_verifier: verifier,
    redirect_uri: DEMO_REDIRECT,
  });
  assert.equal(status, 200, JSON.stringify(body));
  return decodeJwt(body.id_token as string);
}

/** demo-web's authorization parameters with PKCE (see tests/helpers/oauth.ts). */
export function demoRequest(
  extra: Record<string, string> = {},
): { params: Record<string, string>; verifier: string } {
  const { params, verifier } = demoParams(extra);
  return { params: params as Record<string, string>, verifier };
}

/**
 * Runs demo-web's flow with a password sign-in in `jar`, answering consent;
 * stops at whatever page is neither (the second factor, say).
 */
export async function passwordThenWhatever(
  t: TestApp,
  params: Record<string, string>,
  jar: CookieJar,
  username = "alice",
): Promise<FlowStep> {
  let page = await authorize(t, params, jar);
  for (let i = 0; i < 4 && page.status === 200; i++) {
    if (page.title === "Sign in") {
      page = await authorizePost(t, {
        ...formFields(page.html, "login"),
        username,
        password: username,
      }, jar);
    } else if (page.title === "Allow access?") {
      page = await authorizePost(t, {
        ...formFields(page.html, "consent"),
        decision: "allow",
      }, jar);
    } else break;
  }
  return page;
}

/** Allows the consent page when it is the step shown; else the step as is. */
export async function allowIfAsked(
  t: TestApp,
  page: FlowStep,
  jar: CookieJar,
): Promise<FlowStep> {
  if (page.status !== 200 || page.title !== "Allow access?") return page;
  return await authorizePost(t, {
    ...formFields(page.html, "consent"),
    decision: "allow",
  }, jar);
}

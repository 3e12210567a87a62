/**
 * The OpenID Foundation's RP-Initiated Logout certification plan
 * (oidcc-rp-initiated-logout-certification-test-plan), one Deno.test per
 * module, named after it. Each module signs the user in at the OP, sends
 * the browser to end_session_endpoint with the module's parameters, and
 * then, where the module does, sends a prompt=none authorization request
 * to see whether the session really ended.
 *
 * RP-Initiated Logout 1.0 §2: with a session and no id_token_hint of it,
 * the OP MUST ask the user; these tests answer that question as the user
 * would (press "Sign out" on the page, with its CSRF token).
 * @module
 */
import assert from "node:assert/strict";
import { generateKeyPair, SignJWT } from "jose";
import { readPage } from "../helpers/oauth.ts";
import { type CookieJar, postForm } from "../helpers/test_app.ts";
import {
  authorize,
  codeFlow,
  expectCallbackError,
  expectCode,
  expectErrorPage,
  randomValue,
  RP_ORIGIN,
  RP_POST_LOGOUT,
  startSuite,
  type Suite,
  titles,
} from "./suite.ts";

Deno.test.sanitizer({ ops: false, resources: false });

const ISSUER = "https://op.example.com";
let s: Suite;

Deno.test.beforeAll(async () => {
  s = await startSuite({ env: { ISSUER } });
});

Deno.test.afterAll(async () => {
  await s.t.close();
});

interface LogoutResult {
  /** Whether the OP asked the user to confirm first. */
  asked: boolean;
  /** The OP's final answer (after the confirmation, when asked). */
  response: Response;
}

/**
 * Sends the browser (`jar`) to the end_session_endpoint with `params`
 * (RP-Initiated Logout 1.0 §2, GET), and answers the confirmation page
 * "Sign out" when the OP shows one.
 */
async function endSession(
  jar: CookieJar,
  params: Record<string, string>,
): Promise<LogoutResult> {
  const endpoint = new URL(s.discovery.end_session_endpoint as string);
  for (const [k, v] of Object.entries(params)) {
    endpoint.searchParams.set(k, v);
  }
  const res = await s.t.fetch(endpoint.toString(), {
    headers: { Accept: "text/html", Cookie: jar.header() },
    redirect: "manual",
  });
  jar.capture(res);
  if (res.status !== 200) return { asked: false, response: res };
  const html = await res.text();
  const page = readPage(html);
  if (page.fields.confirm !== "yes") {
    return { asked: false, response: new Response(html, res) };
  }
  assert.equal(page.title, "Sign out?");
  // The page must not move on by itself: no redirect, no refresh.
  assert.doesNotMatch(html, /http-equiv="?refresh/i);
  const answered = await postForm(s.t, endpoint.pathname, page.fields, jar);
  return { asked: true, response: answered };
}

/** Signs alice in with a fresh browser; returns the browser and ID token. */
async function signedIn(): Promise<{ jar: CookieJar; idToken: string }> {
  const { tokens, flow } = await codeFlow(s, s.basic);
  return { jar: flow.jar, idToken: tokens.id_token! };
}

/**
 * The second authorization of the plan: prompt=none must fail with an
 * error that asks for a user interface when the session has ended
 * (OIDC Core §3.1.2.6), and succeed when it has not.
 */
async function sessionEnded(jar: CookieJar): Promise<boolean> {
  const flow = await authorize(s, s.basic, { prompt: "none" }, { jar });
  assert.deepEqual(titles(flow), []);
  if (flow.location?.searchParams.has("error")) {
    assert.equal(expectCallbackError(s, flow), "login_required");
    return true;
  }
  expectCode(s, flow);
  return false;
}

/** The post-logout redirect (303) to `uri`; returns its parameters. */
function expectPostLogoutRedirect(res: Response, uri: string): URLSearchParams {
  assert.equal(res.status, 303);
  const location = new URL(res.headers.get("Location")!);
  assert.equal(`${location.origin}${location.pathname}`, uri);
  return location.searchParams;
}

/** The OP's own "you are signed out" page, and no redirect. */
async function expectSignedOutPage(res: Response): Promise<void> {
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("Location"), null);
  assert.match(await res.text(), /You are signed out/);
}

Deno.test("oidcc-rp-initiated-logout-discovery-endpoint-verification", () => {
  // RP-Initiated Logout 1.0 §2.1: end_session_endpoint, an https URL.
  const endpoint = s.discovery.end_session_endpoint as string;
  assert.equal(typeof endpoint, "string");
  assert.equal(new URL(endpoint).protocol, "https:");
  assert.ok(endpoint.startsWith(`${ISSUER}/`));
});

Deno.test("oidcc-rp-initiated-logout", async () => {
  const { jar, idToken } = await signedIn();
  // The plan uses a 128-character state to see that the OP keeps it whole.
  const state = randomValue(128);
  assert.equal(state.length, 128);
  const { asked, response } = await endSession(jar, {
    id_token_hint: idToken,
    post_logout_redirect_uri: RP_POST_LOGOUT,
    state,
  });
  // The hint belongs to this session, so no question is needed.
  assert.equal(asked, false);
  const params = expectPostLogoutRedirect(response, RP_POST_LOGOUT);
  assert.equal(params.get("state"), state);
  assert.deepEqual([...params.keys()], ["state"], "no unexpected parameters");
  assert.equal(await sessionEnded(jar), true);
});

Deno.test("oidcc-rp-initiated-logout-bad-post-logout-redirect-uri", async () => {
  const { jar, idToken } = await signedIn();
  const { response } = await endSession(jar, {
    id_token_hint: idToken,
    post_logout_redirect_uri: `${RP_ORIGIN}/test/a/op/not-registered`,
    state: randomValue(),
  });
  // RP-Initiated Logout 1.0 §3: never redirect to an unregistered URI.
  await expectErrorPage(response, /post_logout_redirect_uri/);
  // The request was refused whole: the session lives on.
  assert.equal(await sessionEnded(jar), false);
});

Deno.test("oidcc-rp-initiated-logout-modified-id-token-hint", async () => {
  const { jar, idToken } = await signedIn();
  // The suite's ChangeIdTokenToAlgNone: same payload, alg none, no signature.
  const [, payload] = idToken.split(".");
  const header = btoa(JSON.stringify({ alg: "none" })).replace(/=+$/, "");
  const { response } = await endSession(jar, {
    id_token_hint: `${header}.${payload}.`,
    post_logout_redirect_uri: RP_POST_LOGOUT,
    state: randomValue(),
  });
  // RP-Initiated Logout 1.0 §4: an ID Token the OP did not sign is no hint.
  await expectErrorPage(response, /id_token_hint/);
  assert.equal(await sessionEnded(jar), false);
});

Deno.test("oidcc-rp-initiated-logout-bad-id-token-hint", async () => {
  const { jar, idToken } = await signedIn();
  // The suite's own key signs a look-alike of our ID token.
  const claims = JSON.parse(
    new TextDecoder().decode(
      Uint8Array.from(
        atob(idToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")),
        (c) => c.charCodeAt(0),
      ),
    ),
  );
  const { privateKey } = await generateKeyPair("ES256");
  const fake = await new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", kid: "conformance-suite" })
    .sign(privateKey);
  const { response } = await endSession(jar, {
    id_token_hint: fake,
    post_logout_redirect_uri: RP_POST_LOGOUT,
    state: randomValue(),
  });
  await expectErrorPage(response, /id_token_hint/);
  assert.equal(await sessionEnded(jar), false);
});

Deno.test("oidcc-rp-initiated-logout-no-id-token-hint", async () => {
  const { jar } = await signedIn();
  const { asked, response } = await endSession(jar, {
    post_logout_redirect_uri: RP_POST_LOGOUT,
    state: randomValue(),
  });
  // RP-Initiated Logout 1.0 §2: no hint, so the user is asked; and without
  // a hint (or client_id) the OP MUST NOT redirect to the URI it cannot
  // tie to a client. The user signed out, so that page is shown instead.
  assert.equal(asked, true);
  await expectSignedOutPage(response);
  assert.equal(await sessionEnded(jar), true);
});

Deno.test("oidcc-rp-initiated-logout-no-params", async () => {
  const { jar } = await signedIn();
  const { asked, response } = await endSession(jar, {});
  assert.equal(asked, true, "no hint: the OP asks the user (§2)");
  await expectSignedOutPage(response);
  assert.equal(await sessionEnded(jar), true);
});

Deno.test("oidcc-rp-initiated-logout-no-post-logout-redirect-uri", async () => {
  const { jar, idToken } = await signedIn();
  const { asked, response } = await endSession(jar, {
    id_token_hint: idToken,
    state: randomValue(),
  });
  assert.equal(asked, false);
  await expectSignedOutPage(response);
  assert.equal(await sessionEnded(jar), true);
});

Deno.test("oidcc-rp-initiated-logout-no-state", async () => {
  const { jar, idToken } = await signedIn();
  const { asked, response } = await endSession(jar, {
    id_token_hint: idToken,
    post_logout_redirect_uri: RP_POST_LOGOUT,
  });
  assert.equal(asked, false);
  const params = expectPostLogoutRedirect(response, RP_POST_LOGOUT);
  assert.deepEqual([...params.keys()], [], "no state when none was sent");
  assert.equal(await sessionEnded(jar), true);
});

Deno.test("oidcc-rp-initiated-logout-only-state", async () => {
  const { jar } = await signedIn();
  const { asked, response } = await endSession(jar, { state: randomValue() });
  assert.equal(asked, true);
  await expectSignedOutPage(response);
  assert.equal(await sessionEnded(jar), true);
});

Deno.test("oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri", async () => {
  const { jar, idToken } = await signedIn();
  const { response } = await endSession(jar, {
    id_token_hint: idToken,
    post_logout_redirect_uri: `${RP_POST_LOGOUT}?foo=bar`,
    state: randomValue(),
  });
  // RP-Initiated Logout 1.0 §3: exact (simple string) comparison.
  await expectErrorPage(response, /post_logout_redirect_uri/);
  assert.equal(await sessionEnded(jar), false);
});

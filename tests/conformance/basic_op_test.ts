/**
 * The OpenID Foundation's Basic OP certification plan
 * (oidcc-basic-certification-test-plan: response_type code,
 * client_secret_basic, plus the client_secret_post module), one Deno.test
 * per module, named after it. Each asserts what the module asserts; where
 * the server legitimately differs (no request objects, no claims
 * parameter, no unsigned ID tokens) the test asserts the answer the spec
 * allows and the suite accepts. docs/conformance.md lists every module.
 *
 * One server for the file: every module uses its own browser (cookie jar)
 * and the clock only moves forward.
 * @module
 */
import assert from "node:assert/strict";
import { decodeProtectedHeader } from "jose";
import { ClientMetadata } from "../../lib/oauth/clients/metadata.ts";
import { generatePKCE } from "../../lib/oauth/pkce.ts";
import {
  addUser,
  authorize,
  codeFlow,
  expectCallbackError,
  expectCode,
  expectErrorPage,
  expectInvalidToken,
  expectTokenError,
  expectTokens,
  expectUserInfo,
  leftHalfHash,
  redeemCode,
  startSuite,
  type Suite,
  titles,
  tokenRequest,
  userinfo,
  validateIDToken,
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

const USER_INTERFACE_ERRORS = [
  "login_required",
  "interaction_required",
  "consent_required",
  "account_selection_required",
];

/** An unsigned JWT (alg none) carrying `claims`, as the suite builds one. */
function unsignedJWT(claims: Record<string, unknown>): string {
  const enc = (v: unknown) =>
    btoa(JSON.stringify(v)).replace(/\+/g, "-").replace(/\//g, "_")
      .replace(/=+$/, "");
  return `${enc({ alg: "none" })}.${enc(claims)}.`;
}

Deno.test("oidcc-server", async () => {
  const { tokens, claims, flow } = await codeFlow(s, s.basic);
  // First visit: the user signs in and consents.
  assert.deepEqual(titles(flow), ["Sign in", "Allow access?"]);
  assert.equal(tokens.scope, "openid");
  await expectUserInfo(await userinfo(s, tokens.access_token), claims.sub);
  assert.ok(
    (s.discovery.token_endpoint_auth_methods_supported as string[])
      .includes("client_secret_basic"),
  );
});

Deno.test("oidcc-response-type-missing", async () => {
  const flow = await authorize(s, s.basic, { response_type: undefined });
  // RFC 6749 §3.1.1: response_type is REQUIRED; the error goes back to the
  // verified redirect_uri before any user interaction.
  assert.deepEqual(titles(flow), []);
  const error = expectCallbackError(s, flow);
  assert.ok(["invalid_request", "unsupported_response_type"].includes(error));
});

Deno.test("oidcc-idtoken-signature", async () => {
  const { tokens } = await codeFlow(s, s.basic);
  // validateIDToken verified the signature with the JWKS key named by kid;
  // an altered signature must not verify.
  const [h, p, sig] = tokens.id_token!.split(".");
  const flipped = sig.startsWith("A") ? `B${sig.slice(1)}` : `A${sig.slice(1)}`;
  await assert.rejects(() =>
    validateIDToken(s, `${h}.${p}.${flipped}`, { client: s.basic, nonce: null })
  );
});

Deno.test("oidcc-idtoken-rs256", async () => {
  assert.ok(
    (s.discovery.id_token_signing_alg_values_supported as string[]).includes(
      "RS256",
    ),
  );
  const { tokens } = await codeFlow(s, s.basic);
  const header = decodeProtectedHeader(tokens.id_token!);
  assert.equal(header.alg, "RS256");
  const jwks = await (await s.t.fetch("/.well-known/jwks.json")).json();
  const key = jwks.keys.find((k: { kid: string }) => k.kid === header.kid);
  assert.equal(key.kty, "RSA");
  assert.equal(key.alg, "RS256");
  assert.equal(key.use, "sig");
});

Deno.test("oidcc-idtoken-unsigned", () => {
  // Not applicable: alg none is not offered (OIDC Core §3.1.3.7 allows an
  // OP to refuse it), so the suite skips the module. A client cannot
  // register it either.
  assert.ok(
    !(s.discovery.id_token_signing_alg_values_supported as string[]).includes(
      "none",
    ),
  );
  const parsed = ClientMetadata.safeParse({
    redirect_uris: ["https://rp.example.com/cb"],
    id_token_signed_response_alg: "none",
  });
  assert.equal(parsed.success, false);
});

Deno.test("oidcc-userinfo-get", async () => {
  const { tokens, claims } = await codeFlow(s, s.basic);
  await expectUserInfo(
    await userinfo(s, tokens.access_token, "get"),
    claims.sub,
  );
});

Deno.test("oidcc-userinfo-post-header", async () => {
  const { tokens, claims } = await codeFlow(s, s.basic);
  await expectUserInfo(
    await userinfo(s, tokens.access_token, "post-header"),
    claims.sub,
  );
});

Deno.test("oidcc-userinfo-post-body", async () => {
  const { tokens, claims } = await codeFlow(s, s.basic);
  await expectUserInfo(
    await userinfo(s, tokens.access_token, "post-body"),
    claims.sub,
  );
});

Deno.test("oidcc-ensure-request-without-nonce-succeeds-for-code-flow", async () => {
  // OIDC Core §3.1.2.1: nonce is OPTIONAL for the code flow; none is
  // returned when none was sent (validateIDToken checks).
  const { claims } = await codeFlow(s, s.basic, { nonce: undefined });
  assert.equal(claims.nonce, undefined);
});

Deno.test("oidcc-scope-profile", async () => {
  const { tokens, claims } = await codeFlow(s, s.basic, {
    scope: "openid profile",
  });
  const info = await expectUserInfo(
    await userinfo(s, tokens.access_token),
    claims.sub,
  );
  // OIDC Core §5.4: profile releases the profile claims the user has.
  assert.equal(info.name, "Alice Liddell");
  assert.equal(info.given_name, "Alice");
  assert.equal(info.family_name, "Liddell");
  assert.equal(info.preferred_username, "alice");
  assert.equal(typeof info.updated_at, "number");
  assert.equal(info.email, undefined, "email is not granted");
});

Deno.test("oidcc-scope-email", async () => {
  const { tokens, claims } = await codeFlow(s, s.basic, {
    scope: "openid email",
  });
  const info = await expectUserInfo(
    await userinfo(s, tokens.access_token),
    claims.sub,
  );
  assert.equal(info.email, "alice@example.com");
  assert.equal(info.email_verified, true);
  assert.equal(info.name, undefined, "profile is not granted");
});

Deno.test("oidcc-ensure-other-scope-order-succeeds", async () => {
  // RFC 6749 §3.3: scope is a set; its order carries no meaning.
  const { tokens, claims } = await codeFlow(s, s.basic, {
    scope: "email openid",
  });
  assert.deepEqual(tokens.scope!.split(" ").sort(), ["email", "openid"]);
  const info = await expectUserInfo(
    await userinfo(s, tokens.access_token),
    claims.sub,
  );
  assert.equal(info.email, "alice@example.com");
});

Deno.test("oidcc-display-page", async () => {
  // OIDC Core §3.1.2.1: display is a hint the OP may ignore; the request
  // must still succeed.
  const { claims } = await codeFlow(s, s.basic, { display: "page" });
  assert.ok(claims.sub);
});

Deno.test("oidcc-display-popup", async () => {
  const { claims } = await codeFlow(s, s.basic, { display: "popup" });
  assert.ok(claims.sub);
});

Deno.test("oidcc-prompt-login", async () => {
  const first = await codeFlow(s, s.basic);
  s.t.advance(2);
  const second = await codeFlow(s, s.basic, { prompt: "login" }, {
    jar: first.flow.jar,
  });
  // OIDC Core §3.1.2.1: prompt=login MUST prompt for reauthentication.
  assert.deepEqual(titles(second.flow), ["Sign in"]);
  assert.equal(second.claims.sub, first.claims.sub);
  assert.ok(second.claims.auth_time! > first.claims.auth_time!);
});

Deno.test("oidcc-prompt-none-not-logged-in", async () => {
  const flow = await authorize(s, s.basic, { prompt: "none" });
  // OIDC Core §3.1.2.6: no page may be shown; an error that says a user
  // interface is needed goes back to the client.
  assert.deepEqual(titles(flow), []);
  const error = expectCallbackError(s, flow);
  assert.ok(USER_INTERFACE_ERRORS.includes(error), error);
});

Deno.test("oidcc-prompt-none-logged-in", async () => {
  const first = await codeFlow(s, s.basic);
  const second = await codeFlow(s, s.basic, { prompt: "none" }, {
    jar: first.flow.jar,
  });
  assert.deepEqual(titles(second.flow), []);
  assert.equal(second.claims.sub, first.claims.sub);
  assert.equal(second.claims.auth_time, first.claims.auth_time);
});

Deno.test("oidcc-max-age-1", async () => {
  const first = await codeFlow(s, s.basic);
  s.t.advance(2);
  const second = await codeFlow(s, s.basic, { max_age: "1" }, {
    jar: first.flow.jar,
  });
  // OIDC Core §3.1.2.1: the OP MUST actively re-authenticate when the last
  // authentication is older than max_age, and return auth_time.
  assert.deepEqual(titles(second.flow), ["Sign in"]);
  assert.ok(second.claims.auth_time! > first.claims.auth_time!);
  assert.ok(s.t.deps.now() - second.claims.auth_time! <= 1);
});

Deno.test("oidcc-max-age-10000", async () => {
  const first = await codeFlow(s, s.basic);
  s.t.advance(5);
  const second = await codeFlow(s, s.basic, { max_age: "10000" }, {
    jar: first.flow.jar,
  });
  assert.deepEqual(titles(second.flow), [], "no new sign-in");
  assert.equal(second.claims.sub, first.claims.sub);
  assert.equal(second.claims.auth_time, first.claims.auth_time);
});

Deno.test("oidcc-ensure-request-with-unknown-parameter-succeeds", async () => {
  // OIDC Core §3.1.2.1 / RFC 6749 §3.1: unknown parameters are ignored.
  const { claims } = await codeFlow(s, s.basic, {
    extra_param: "conformance-test",
  });
  assert.ok(claims.sub);
});

Deno.test("oidcc-id-token-hint", async () => {
  const first = await codeFlow(s, s.basic);
  const second = await codeFlow(s, s.basic, {
    prompt: "none",
    id_token_hint: first.tokens.id_token!,
  }, { jar: first.flow.jar });
  assert.deepEqual(titles(second.flow), []);
  assert.equal(second.claims.sub, first.claims.sub);
  assert.equal(second.claims.auth_time, first.claims.auth_time);
});

Deno.test("oidcc-id-token-hint (beyond the module): another user's hint is not answered by this session", async () => {
  const bob = await codeFlow(s, s.basic, {}, { username: "bob" });
  const alice = await codeFlow(s, s.basic);
  // OIDC Core §3.1.2.1: the hinted End-User is not the one logged in, so
  // a silent request SHOULD fail with login_required ...
  const silent = await authorize(s, s.basic, {
    prompt: "none",
    id_token_hint: bob.tokens.id_token!,
  }, { jar: alice.flow.jar });
  assert.equal(expectCallbackError(s, silent), "login_required");
  // ... and an interactive one asks who is signing in.
  const asked = await codeFlow(s, s.basic, {
    id_token_hint: bob.tokens.id_token!,
  }, { jar: alice.flow.jar, username: "bob" });
  assert.deepEqual(titles(asked.flow), ["Sign in"]);
  assert.equal(asked.claims.sub, bob.claims.sub);
  // A hint we did not issue to this client is refused (invalid_request).
  const other = await codeFlow(s, s.post);
  const foreign = await authorize(s, s.basic, {
    prompt: "none",
    id_token_hint: other.tokens.id_token!,
  }, { jar: other.flow.jar });
  assert.equal(expectCallbackError(s, foreign), "invalid_request");
});

Deno.test("oidcc-login-hint", async () => {
  const { flow } = await codeFlow(s, s.basic, { login_hint: "alice" });
  // OIDC Core §3.1.2.1: the hint pre-fills the sign-in form.
  const login = flow.pages.find((p) => p.title === "Sign in")!;
  assert.match(login.html, /name="username"[^>]*value="alice"/);
});

Deno.test("oidcc-ui-locales", async () => {
  const { claims } = await codeFlow(s, s.basic, { ui_locales: "se" });
  assert.ok(claims.sub);
});

Deno.test("oidcc-claims-locales", async () => {
  const { claims } = await codeFlow(s, s.basic, { claims_locales: "se" });
  assert.ok(claims.sub);
});

Deno.test("oidcc-ensure-request-with-acr-values-succeeds", async () => {
  // OIDC Core §3.1.2.1: acr_values requests acr as a voluntary claim.
  const { claims } = await codeFlow(s, s.basic, { acr_values: "1 2" });
  if (claims.acr !== undefined) {
    assert.ok(["1", "2"].includes(claims.acr as string));
  }
});

Deno.test("oidcc-codereuse", async () => {
  const flow = await authorize(s, s.basic);
  const code = expectCode(s, flow);
  expectTokens(await redeemCode(s, s.basic, code));
  // RFC 6749 §4.1.2: the code is single use; §5.2: invalid_grant.
  const again = await redeemCode(s, s.basic, code);
  assert.equal(again.status, 400);
  assert.equal(expectTokenError(again), "invalid_grant");
});

Deno.test("oidcc-codereuse-30seconds", async () => {
  const flow = await authorize(s, s.basic);
  const code = expectCode(s, flow);
  const first = expectTokens(await redeemCode(s, s.basic, code));
  s.t.advance(30);
  const again = await redeemCode(s, s.basic, code);
  assert.equal(again.status, 400);
  assert.equal(expectTokenError(again), "invalid_grant");
  // RFC 6749 §4.1.2: tokens issued from a reused code SHOULD be revoked.
  await expectInvalidToken(await userinfo(s, first.access_token));
});

Deno.test("oidcc-ensure-registered-redirect-uri", async () => {
  // Signed in first, so nothing but the redirect_uri can stop the flow.
  const { flow } = await codeFlow(s, s.basic);
  const bad = await authorize(s, s.basic, {
    redirect_uri: `${s.basic.redirectURI}/not-registered`,
  }, { jar: flow.jar });
  // RFC 6749 §4.1.2.1: never redirect to an unregistered URI.
  await expectErrorPage(bad.response, /redirect_uri/);
});

Deno.test("oidcc-server-client-secret-post", async () => {
  assert.ok(
    (s.discovery.token_endpoint_auth_methods_supported as string[])
      .includes("client_secret_post"),
  );
  const { tokens, claims } = await codeFlow(s, s.post);
  await expectUserInfo(await userinfo(s, tokens.access_token), claims.sub);
});

Deno.test("oidcc-ensure-post-request-succeeds", async () => {
  // OIDC Core §3.1.2.1: the Authorization Endpoint MUST support POST.
  const { claims } = await codeFlow(s, s.basic, {}, { method: "POST" });
  assert.ok(claims.sub);
});

Deno.test("oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported", async () => {
  assert.equal(s.discovery.request_parameter_supported, false);
  const state = "request-object-state";
  const request = unsignedJWT({
    iss: s.basic.id,
    aud: s.issuer,
    client_id: s.basic.id,
    response_type: "code",
    scope: "openid",
    redirect_uri: s.basic.redirectURI,
    state,
    nonce: "n-0S6_WzA2Mj",
  });
  const flow = await authorize(s, s.basic, { state, request });
  // OIDC Core §6.1/§3.1.2.6: an OP that does not process request objects
  // answers request_not_supported (never silently ignores it).
  assert.equal(expectCallbackError(s, flow), "request_not_supported");
});

Deno.test("oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported", async () => {
  assert.equal(s.discovery.request_uri_parameter_supported, false);
  const flow = await authorize(s, s.basic, {
    request_uri: "https://rp.example.com/test/a/op/request.jwt",
  });
  assert.equal(expectCallbackError(s, flow), "request_uri_not_supported");
});

Deno.test("oidcc-ensure-request-object-with-redirect-uri", async () => {
  // Not applicable (request objects are not supported): the request is
  // refused whole, so neither redirect_uri is used to issue a code.
  const request = unsignedJWT({
    client_id: s.basic.id,
    response_type: "code",
    scope: "openid",
    redirect_uri: s.basic.redirectURI,
  });
  const flow = await authorize(s, s.basic, { request });
  assert.equal(expectCallbackError(s, flow), "request_not_supported");
});

Deno.test("oidcc-claims-essential", async () => {
  // The claims parameter is OPTIONAL (OIDC Core §5.5) and not supported
  // (claims_parameter_supported: false): the request still succeeds, and
  // only what the scopes release is returned. The suite raises a warning,
  // not a failure, when name is missing.
  assert.equal(s.discovery.claims_parameter_supported, false);
  const { tokens, claims } = await codeFlow(s, s.basic, {
    claims: JSON.stringify({ userinfo: { name: { essential: true } } }),
  });
  const info = await expectUserInfo(
    await userinfo(s, tokens.access_token),
    claims.sub,
  );
  assert.equal(info.name, undefined);
  assert.equal(claims.name, undefined, "EnsureIdTokenDoesNotContainName");
});

Deno.test("oidcc-ensure-redirect-uri-in-authorization-request", async () => {
  const flow = await authorize(s, s.basic, { redirect_uri: undefined });
  // OIDC Core §3.1.2.1: redirect_uri is REQUIRED; without it there is no
  // verified place to send an error, so a page says so.
  await expectErrorPage(flow.response, /redirect_uri/);
});

Deno.test("oidcc-refresh-token", async () => {
  assert.ok(
    (s.discovery.grant_types_supported as string[]).includes("refresh_token"),
  );
  // OIDC Core §11: offline_access comes with prompt=consent.
  const first = await codeFlow(s, s.basic, {
    scope: "openid offline_access",
    prompt: "consent",
  });
  assert.ok(titles(first.flow).includes("Allow access?"));
  const refreshToken = first.tokens.refresh_token!;
  assert.ok(refreshToken, "a refresh token is issued for offline_access");

  s.t.advance(10);
  const refreshed = expectTokens(
    await tokenRequest(s, s.basic, {
      grant_type: "refresh_token",
      refresh_token: refreshToken,
    }),
  );
  const claims = await validateIDToken(s, refreshed.id_token!, {
    client: s.basic,
    nonce: null,
    accessToken: refreshed.access_token,
  });
  // OIDC Core §12.2: same iss, sub, aud and auth_time; a new iat.
  assert.equal(claims.iss, first.claims.iss);
  assert.equal(claims.sub, first.claims.sub);
  assert.deepEqual(claims.aud, first.claims.aud);
  assert.equal(claims.auth_time, first.claims.auth_time);
  assert.ok(claims.iat > first.claims.iat);
  await expectUserInfo(await userinfo(s, refreshed.access_token), claims.sub);

  // The refresh token is bound to its client (RFC 6749 §6): client2's
  // token presented by client1 is invalid_grant.
  const other = await codeFlow(s, s.second, {
    scope: "openid offline_access",
    prompt: "consent",
  });
  const stolen = await tokenRequest(s, s.basic, {
    grant_type: "refresh_token",
    refresh_token: other.tokens.refresh_token!,
  });
  assert.equal(stolen.status, 400);
  assert.equal(expectTokenError(stolen), "invalid_grant");
  // ... and it still works for its own client.
  expectTokens(
    await tokenRequest(s, s.second, {
      grant_type: "refresh_token",
      refresh_token: other.tokens.refresh_token!,
    }),
  );
});

Deno.test("oidcc-ensure-request-with-valid-pkce-succeeds", async () => {
  const pkce = generatePKCE();
  const flow = await authorize(s, s.basic, {
    code_challenge: pkce.code_challenge,
    code_challenge_method: "S256",
  });
  const code = expectCode(s, flow);
  const tokens = expectTokens(
    await redeemCode(s, s.basic, code, { code_verifier: pkce.code_verifier }),
  );
  await validateIDToken(s, tokens.id_token!, {
    client: s.basic,
    nonce: flow.request.nonce,
    accessToken: tokens.access_token,
  });
});

Deno.test("oidcc-userinfo-rs256", async () => {
  // Not applicable: UserInfo answers plain JSON only; discovery offers no
  // signing alg for it, and a client cannot register
  // userinfo_signed_response_alg, so the module's client cannot exist.
  assert.equal(s.discovery.userinfo_signing_alg_values_supported, undefined);
  const { tokens, claims } = await codeFlow(s, s.basic);
  const res = await userinfo(s, tokens.access_token);
  assert.match(res.headers.get("Content-Type")!, /^application\/json/);
  await expectUserInfo(res, claims.sub);
});

// Scopes a default install does not offer: address and phone are not
// seeded; an admin adds them (scopes live in the database) with their
// OIDC Core §5.4 claims. Until then the suite skips these modules
// (scopes_supported lacks them) and the server answers invalid_scope.

const CAROL = {
  name: "Carol Danvers",
  given_name: "Carol",
  family_name: "Danvers",
  phone_number: "+1 555 0100",
  phone_number_verified: true,
  address: {
    formatted: "1 Main St\nBoston, MA 02101",
    street_address: "1 Main St",
    locality: "Boston",
    region: "MA",
    postal_code: "02101",
    country: "US",
  },
};

let configured: Promise<void> | null = null;

/** Adds the address and phone scopes as an admin would (seed README curls). */
function offerAddressAndPhone(): Promise<void> {
  configured ??= (async () => {
    const admin = {
      "X-Admin-Token": s.adminToken,
      "Content-Type": "application/json",
    };
    for (
      const scope of [
        {
          name: "address",
          description: "Your postal address",
          claims: ["address"],
        },
        {
          name: "phone",
          description: "Your phone number",
          claims: ["phone_number", "phone_number_verified"],
        },
      ]
    ) {
      const res = await s.t.fetch("/admin/scopes", {
        method: "POST",
        headers: admin,
        body: JSON.stringify(scope),
      });
      assert.ok(res.ok, `POST /admin/scopes: ${res.status}`);
      await res.body?.cancel();
    }
    const res = await s.t.fetch(`/admin/clients/${s.basic.id}/policy`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({
        allowed_scopes: "openid profile email offline_access address phone",
      }),
    });
    assert.ok(res.ok, `POST policy: ${res.status}`);
    await res.body?.cancel();
    await addUser(s, "carol", CAROL);
  })();
  return configured;
}

Deno.test("oidcc-scope-address / oidcc-scope-phone / oidcc-scope-all on a default install", async () => {
  assert.equal(configured, null, "runs before the scopes are added");
  const supported = s.discovery.scopes_supported as string[];
  assert.ok(!supported.includes("address") && !supported.includes("phone"));
  const flow = await authorize(s, s.basic, {
    scope: "openid profile email address phone",
  });
  // RFC 6749 §4.1.2.1: invalid_scope for an unknown scope, redirected.
  assert.equal(expectCallbackError(s, flow), "invalid_scope");
});

Deno.test("oidcc-scope-address", async () => {
  await offerAddressAndPhone();
  const discovery = await (await s.t.fetch("/.well-known/openid-configuration"))
    .json();
  assert.ok(discovery.scopes_supported.includes("address"));
  const { tokens, claims } = await codeFlow(s, s.basic, {
    scope: "openid address",
  }, { username: "carol" });
  const info = await expectUserInfo(
    await userinfo(s, tokens.access_token),
    claims.sub,
  );
  assert.deepEqual(info.address, CAROL.address);
  assert.equal(info.phone_number, undefined);
});

Deno.test("oidcc-scope-phone", async () => {
  await offerAddressAndPhone();
  const { tokens, claims } = await codeFlow(s, s.basic, {
    scope: "openid phone",
  }, { username: "carol" });
  const info = await expectUserInfo(
    await userinfo(s, tokens.access_token),
    claims.sub,
  );
  assert.equal(info.phone_number, CAROL.phone_number);
  assert.equal(info.phone_number_verified, true);
  assert.equal(info.address, undefined);
});

Deno.test("oidcc-scope-all", async () => {
  await offerAddressAndPhone();
  const { tokens, claims } = await codeFlow(s, s.basic, {
    scope: "openid profile email address phone",
  }, { username: "carol" });
  const info = await expectUserInfo(
    await userinfo(s, tokens.access_token),
    claims.sub,
  );
  assert.equal(info.name, CAROL.name);
  assert.equal(info.email, "carol@example.com");
  assert.equal(info.email_verified, true);
  assert.deepEqual(info.address, CAROL.address);
  assert.equal(info.phone_number, CAROL.phone_number);
});

Deno.test("suite check: every ID token from the token endpoint carries at_hash", async () => {
  // validateIDToken checks at_hash only when present; here it must be, and
  // it matches the independent computation (OIDC Core §3.1.3.6).
  const { tokens, claims } = await codeFlow(s, s.basic);
  assert.equal(claims.at_hash, leftHalfHash(tokens.access_token, "RS256"));
});

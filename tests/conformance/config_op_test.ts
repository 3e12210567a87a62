/**
 * The OpenID Foundation's Config OP certification plan
 * (oidcc-config-certification-test-plan). Its one module,
 * oidcc-discovery-endpoint-verification, runs a list of checks on the
 * discovery document (OIDC Discovery 1.0 §3, §4; RFC 8414 §2); each check
 * is a Deno.test here named oidcc-config-<check>, with the suite's
 * condition in the comment. The server runs behind an https ISSUER, as a
 * certified deployment does.
 * @module
 */
import assert from "node:assert/strict";
import { decodeProtectedHeader, importJWK, type JWK } from "jose";
import * as oauth from "oauth4webapi";
import { codeFlow, startSuite, type Suite, validateIDToken } from "./suite.ts";

Deno.test.sanitizer({ ops: false, resources: false });

const ISSUER = "https://op.example.com";
const DISCOVERY_URL = `${ISSUER}/.well-known/openid-configuration`;
let s: Suite;
let doc: Record<string, unknown>;

Deno.test.beforeAll(async () => {
  s = await startSuite({ env: { ISSUER } });
  doc = s.discovery;
});

Deno.test.afterAll(async () => {
  await s.t.close();
});

function list(name: string): string[] {
  const value = doc[name];
  assert.ok(Array.isArray(value), `${name} is an array`);
  assert.ok(value.every((v) => typeof v === "string"), `${name} of strings`);
  return value as string[];
}

/** An absolute https URL without fragment (OIDC Discovery §3). */
function assertHTTPSURL(name: string): URL {
  const value = doc[name];
  assert.equal(typeof value, "string", `${name} is present`);
  const url = new URL(value as string);
  assert.equal(url.protocol, "https:", `${name} uses https`);
  assert.equal(url.hash, "", `${name} has no fragment`);
  return url;
}

Deno.test("oidcc-discovery-endpoint-verification", async () => {
  // GetDynamicServerConfiguration, EnsureDiscoveryEndpointResponseStatusCodeIs200,
  // CheckDiscoveryEndpointReturnedJsonContentType (OIDC Discovery §4.2).
  const res = await s.t.fetch(DISCOVERY_URL);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("Content-Type")!, /^application\/json/);
  // An independent strict reader of the same document agrees.
  const as = await oauth.processDiscoveryResponse(new URL(ISSUER), res);
  assert.equal(as.issuer, ISSUER);
});

Deno.test("oidcc-config-response-types-supported", () => {
  // OIDCCCheckDiscEndpointResponseTypesSupported: REQUIRED, and a static
  // client's "code" is offered. Only code is: no implicit or hybrid.
  assert.deepEqual(list("response_types_supported"), ["code"]);
});

Deno.test("oidcc-config-discovery-url", () => {
  // CheckDiscEndpointDiscoveryUrl: the document lives at issuer +
  // /.well-known/openid-configuration (OIDC Discovery §4).
  assert.equal(`${doc.issuer}/.well-known/openid-configuration`, DISCOVERY_URL);
});

Deno.test("oidcc-config-issuer", async () => {
  // CheckDiscEndpointIssuer (OIDC Discovery §4.3, §7.2): issuer is exactly
  // the URL the document was fetched under, minus the well-known suffix;
  // it comes from configuration, never from the request's Host header.
  assert.equal(doc.issuer, ISSUER);
  const spoofed = await s.t.fetch(DISCOVERY_URL, {
    headers: { Host: "evil.example", "X-Forwarded-Host": "evil.example" },
  });
  assert.equal((await spoofed.json()).issuer, ISSUER);
});

Deno.test("oidcc-config-issuer-is-valid-url", () => {
  // CheckDiscEndpointIssuerIsValidUrl (RFC 8414 §2): https, no query or
  // fragment.
  const url = assertHTTPSURL("issuer");
  assert.equal(url.search, "");
  assert.ok(!(doc.issuer as string).endsWith("/"), "no trailing slash");
});

Deno.test("oidcc-config-subject-types-supported", () => {
  // CheckDiscEndpointSubjectTypesSupported: REQUIRED, public or pairwise.
  const types = list("subject_types_supported");
  assert.ok(types.length > 0);
  for (const t of types) assert.ok(["public", "pairwise"].includes(t));
});

Deno.test("oidcc-config-id-token-signing-alg-values-supported", () => {
  // OIDCCCheckDiscEndpointIdTokenSigningAlgValuesSupported: RS256 MUST be
  // included (OIDC Discovery §3); none is not offered.
  const algs = list("id_token_signing_alg_values_supported");
  assert.ok(algs.includes("RS256"));
  assert.ok(!algs.includes("none"));
});

Deno.test("oidcc-config-userinfo-signing-alg-values-supported", () => {
  // OIDCCCheckDiscEndpointUserinfoSigningAlgValuesSupported: an array when
  // present. UserInfo answers plain JSON only, so nothing is advertised
  // (discovery lists only what works).
  assert.equal(doc.userinfo_signing_alg_values_supported, undefined);
});

Deno.test("oidcc-config-authorization-endpoint", () => {
  // CheckDiscEndpointAuthorizationEndpoint: REQUIRED, https.
  assertHTTPSURL("authorization_endpoint");
});

Deno.test("oidcc-config-token-endpoint", () => {
  // CheckDiscEndpointTokenEndpoint: REQUIRED unless only implicit, https.
  assertHTTPSURL("token_endpoint");
});

Deno.test("oidcc-config-userinfo-endpoint", async () => {
  // CheckDiscEndpointUserinfoEndpoint: RECOMMENDED, https; it answers.
  const url = assertHTTPSURL("userinfo_endpoint");
  const res = await s.t.fetch(url.href);
  assert.equal(res.status, 401, "a protected resource without a token");
  assert.match(res.headers.get("WWW-Authenticate")!, /^Bearer/);
  await res.body?.cancel();
});

Deno.test("oidcc-config-registration-endpoint", () => {
  // CheckDiscEndpointRegistrationEndpoint runs when present: an https URL
  // (RFC 7591 dynamic registration, open to public clients by default).
  const url = assertHTTPSURL("registration_endpoint");
  assert.equal(url.href, `${ISSUER}/register`);
});

Deno.test("oidcc-config-jwks-uri", async () => {
  // CheckJwksUri + FetchServerKeys: REQUIRED, https, serves a JWK Set.
  const url = assertHTTPSURL("jwks_uri");
  const res = await s.t.fetch(url.href);
  assert.equal(res.status, 200);
  assert.match(
    res.headers.get("Content-Type")!,
    /^application\/(jwk-set\+)?json/,
  );
  const jwks = await res.json();
  assert.ok(Array.isArray(jwks.keys) && jwks.keys.length > 0);
});

Deno.test("oidcc-config-server-jwks", async () => {
  // ValidateServerJWKs (RFC 7517 §4, §5): each key well formed with a
  // distinct kid; EnsureServerJwksDoesNotContainPrivateOrSymmetricKeys
  // (RFC 7518 §6.3.2.1): public members only.
  const jwks = await (await s.t.fetch(doc.jwks_uri as string)).json();
  const kids = new Set<string>();
  for (const key of jwks.keys as JWK[]) {
    assert.equal(typeof key.kty, "string");
    assert.notEqual(key.kty, "oct", "no symmetric keys");
    assert.equal(typeof key.kid, "string");
    assert.ok(!kids.has(key.kid!), "distinct kid");
    kids.add(key.kid!);
    assert.equal(key.use, "sig");
    for (const member of ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]) {
      assert.equal((key as Record<string, unknown>)[member], undefined, member);
    }
    await importJWK(key, key.alg);
  }
});

Deno.test("oidcc-config-request-parameter-supported", () => {
  // CheckDiscEndpointRequestParameterSupported (INFO): request objects are
  // not supported, and the document says so.
  assert.equal(doc.request_parameter_supported, false);
});

Deno.test("oidcc-config-request-uri-parameter-supported", () => {
  // CheckDiscEndpointRequestUriParameterSupported (INFO). It defaults to
  // true when omitted (OIDC Discovery §3), so false must be explicit.
  assert.equal(doc.request_uri_parameter_supported, false);
});

Deno.test("oidcc-config-request-object-signing-alg-values-supported", () => {
  // CheckDiscEndpointRequestObjectSigningAlgValuesSupportedIncludesRS256
  // runs only when present (skipped): no request objects.
  assert.equal(doc.request_object_signing_alg_values_supported, undefined);
});

Deno.test("oidcc-config-claims-parameter-supported", () => {
  // CheckDiscEndpointClaimsParameterSupported (INFO): a boolean; false.
  assert.equal(doc.claims_parameter_supported, false);
});

Deno.test("oidcc-config-claims-supported", () => {
  // OIDCCCheckDiscEndpointClaimsSupported (RECOMMENDED): present, and it
  // names every claim the offered scopes release.
  const claims = list("claims_supported");
  for (
    const c of [
      "sub",
      "iss",
      "auth_time",
      "name",
      "email",
      "email_verified",
      "preferred_username",
    ]
  ) {
    assert.ok(claims.includes(c), c);
  }
});

Deno.test("oidcc-config-grant-types-supported", () => {
  // OIDCCCheckDiscEndpointGrantTypesSupported: when present a non-empty
  // array (static clients); ours lists what clients may register.
  const grants = list("grant_types_supported");
  assert.ok(grants.length > 0);
  assert.ok(grants.includes("authorization_code"));
  assert.ok(grants.includes("refresh_token"));
  assert.ok(!grants.includes("implicit"), "OAuth 2.1: no implicit grant");
});

Deno.test("oidcc-config-scopes-supported", () => {
  // CheckDiscEndpointScopesSupportedContainsOpenId (OIDC Discovery §3:
  // "The server MUST support the openid scope value") and
  // CheckDiscEndpointScopesSupportedSyntax (RFC 6749 §3.3 scope-token).
  const scopes = list("scopes_supported");
  assert.ok(scopes.includes("openid"));
  for (const scope of scopes) {
    assert.match(scope, /^[\x21\x23-\x5B\x5D-\x7E]+$/, scope);
  }
});

Deno.test("oidcc-config-locales", () => {
  // CheckDiscEndpointLocalesSyntax / CheckDiscEndpointLocalesCanonicalCasing
  // (RFC 8414 §2, BCP 47): each listed locale is a language tag in its
  // canonical casing (language subtag lower case, region upper case). The
  // pages speak English and German (docs/branding-and-languages.md); no
  // claim is localised, so claims_locales_supported is not listed.
  assert.deepEqual(list("ui_locales_supported"), ["en", "de"]);
  for (const tag of doc.ui_locales_supported as string[]) {
    assert.match(
      tag,
      /^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?$/,
    );
  }
  assert.equal(doc.claims_locales_supported, undefined);
});

Deno.test("oidcc-config-all-endpoints-https", () => {
  // CheckDiscEndpointAllEndpointsAreHttps: every endpoint URL in the
  // document, OIDC or not, is https under the issuer.
  const endpoints = Object.entries(doc).filter(([k]) =>
    k.endsWith("_endpoint") || k === "jwks_uri"
  );
  // authorization, token, userinfo, revocation, introspection,
  // end_session, registration, and jwks_uri.
  assert.equal(endpoints.length, 8);
  for (const [name, value] of endpoints) {
    assert.ok(
      (value as string).startsWith(`${ISSUER}/`),
      `${name} is under the https issuer`,
    );
  }
});

Deno.test("oidcc-config-code-challenge-methods-supported", () => {
  // EnsureServerConfigurationCodeChallengeMethodsSupportedIsAnArray
  // (RFC 8414 §2, RFC 7636 §4.3): an array; S256 only.
  assert.deepEqual(list("code_challenge_methods_supported"), ["S256"]);
});

Deno.test("oidcc-server-rotate-keys", async () => {
  // Dynamic OP plan module, run here because key rotation is published
  // through the discovery document's jwks_uri: after a rotation new ID
  // Tokens carry the new kid, and tokens signed with the retired key
  // still verify against the JWKS (OIDC Core §10.1.1).
  const before = await codeFlow(s, s.basic);
  const oldKid = decodeProtectedHeader(before.tokens.id_token!).kid;
  const res = await s.t.fetch("/admin/rotate_jwk", {
    method: "POST",
    headers: { "X-Admin-Token": s.adminToken },
  });
  assert.ok(res.ok, `rotate: ${res.status}`);
  const { activates_at } = await res.json();
  // Published first; it signs once the JWKS max-age has passed.
  s.t.advance(activates_at - s.t.deps.now());
  const after = await codeFlow(s, s.basic);
  const newKid = decodeProtectedHeader(after.tokens.id_token!).kid;
  assert.notEqual(newKid, oldKid);
  await validateIDToken(s, before.tokens.id_token!, {
    client: s.basic,
    nonce: before.flow.request.nonce,
  });
});

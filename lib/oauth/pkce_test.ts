import assert from "node:assert/strict";
import { OAuthError } from "./errors.ts";
import { checkCodeChallenge, generatePKCE, s256, verifyPKCE } from "./pkce.ts";

// RFC 7636 Appendix B.
const RFC_VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const RFC_CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof OAuthError) return err.code;
    throw err;
  }
  return undefined;
}

Deno.test("pkce: S256 matches RFC 7636 Appendix B", () => {
  assert.equal(s256(RFC_VERIFIER), RFC_CHALLENGE);
});

Deno.test("pkce: the RFC verifier proves the RFC challenge", () => {
  assert.equal(code(() => verifyPKCE(RFC_VERIFIER, RFC_CHALLENGE)), undefined);
});

Deno.test("pkce: a different verifier is invalid_grant", () => {
  const other = generatePKCE().code_verifier;
  assert.equal(code(() => verifyPKCE(other, RFC_CHALLENGE)), "invalid_grant");
});

Deno.test("pkce: missing verifier for a PKCE code is invalid_grant", () => {
  assert.equal(code(() => verifyPKCE(null, RFC_CHALLENGE)), "invalid_grant");
});

Deno.test("pkce: verifier for a code issued without PKCE is a downgrade", () => {
  assert.equal(code(() => verifyPKCE(RFC_VERIFIER, null)), "invalid_grant");
});

Deno.test("pkce: short or malformed verifiers are refused", () => {
  assert.equal(code(() => verifyPKCE("short", RFC_CHALLENGE)), "invalid_grant");
  assert.equal(
    code(() => verifyPKCE(RFC_VERIFIER + "!", RFC_CHALLENGE)),
    "invalid_grant",
  );
});

Deno.test("pkce: plain and missing methods are refused at /authorize", () => {
  assert.equal(
    code(() => checkCodeChallenge(RFC_CHALLENGE, "plain", true)),
    "invalid_request",
  );
  assert.equal(
    code(() => checkCodeChallenge(RFC_CHALLENGE, null, true)),
    "invalid_request",
  );
});

Deno.test("pkce: required by policy but absent is invalid_request", () => {
  assert.equal(
    code(() => checkCodeChallenge(null, null, true)),
    "invalid_request",
  );
  assert.equal(checkCodeChallenge(null, null, false), null);
});

Deno.test("pkce: generated pairs verify", () => {
  const pair = generatePKCE();
  assert.equal(
    checkCodeChallenge(pair.code_challenge, "S256", true),
    pair.code_challenge,
  );
  verifyPKCE(pair.code_verifier, pair.code_challenge);
});

/**
 * TOTP and recovery codes end to end: enrolment on /account/security (QR
 * code and key, confirmed by a first code computed here from the key by
 * the otpauth library), the second factor at /authorize for a client that
 * requires one (step-up of a password session), single use of codes, and
 * what the ID token then says (amr, acr, auth_time).
 * @module
 */
import assert from "node:assert/strict";
import { BUDGETS } from "../../lib/security/rate_limit.ts";
import { upsertPolicyForTest } from "../helpers/policy.ts";
import { readQRDataURI } from "../helpers/qr_image.ts";
import { CookieJar } from "../helpers/test_app.ts";
import {
  allowIfAsked,
  authorize,
  authorizePost,
  codeFor,
  demoRequest,
  enrolTOTP,
  formFields,
  idTokenClaims,
  passwordThenWhatever,
  recoveryCodesOn,
  securityPost,
  signInAccount,
  startAccountsApp,
} from "./fixture.ts";

Deno.test("totp: enrolment shows a QR code of the otpauth URI and the key; the first code turns it on and 10 recovery codes are shown once", async () => {
  const t = await startAccountsApp();
  try {
    const jar = await signInAccount(t);
    const enrolled = await enrolTOTP(t, jar);
    const uri = new URL(readQRDataURI(enrolled.qr));
    assert.equal(uri.protocol, "otpauth:");
    assert.equal(uri.searchParams.get("secret"), enrolled.secret);
    assert.match(decodeURIComponent(uri.pathname), /:alice$/);
    assert.equal(enrolled.recoveryCodes.length, 10);
    assert.equal(new Set(enrolled.recoveryCodes).size, 10);
    // Shown once: the page afterwards lists none, only how many are left.
    const again = await securityPost(t, jar, { _action: "noop" });
    assert.deepEqual(recoveryCodesOn(again.html), []);
    assert.match(again.html, /10 of 10 unused/);
    // Stored sealed and hashed, never in clear.
    const totp = await t.deps.db.selectFrom("user_totp").selectAll()
      .executeTakeFirstOrThrow();
    assert.ok(!totp.secret_enc.includes(enrolled.secret));
    assert.notEqual(totp.confirmed_at, null);
    const stored = await t.deps.db.selectFrom("user_recovery_codes")
      .select("code_hash").execute();
    assert.equal(stored.length, 10);
    for (const code of enrolled.recoveryCodes) {
      assert.ok(!stored.some((r) => r.code_hash.includes(code)));
    }
  } finally {
    await t.close();
  }
});

Deno.test("totp: a wrong first code does not turn it on", async () => {
  const t = await startAccountsApp();
  try {
    const jar = await signInAccount(t);
    const start = await securityPost(t, jar, { _action: "totp_start" });
    assert.equal(start.status, 200);
    const res = await securityPost(t, jar, {
      _action: "totp_confirm",
      code: "000000",
    });
    assert.equal(res.status, 400);
    assert.match(res.html, /does not match/);
    const row = await t.deps.db.selectFrom("user_totp").selectAll()
      .executeTakeFirstOrThrow();
    assert.equal(row.confirmed_at, null);
  } finally {
    await t.close();
  }
});

Deno.test("step-up: a client requiring a second factor gets a code from a password-only session only after the TOTP code; the ID token says pwd otp mfa", async () => {
  const t = await startAccountsApp();
  try {
    const { secret } = await enrolTOTP(t, await signInAccount(t));
    t.advance(31);
    // An older password-only session, signed in before the policy changed.
    const jar = new CookieJar();
    const first = demoRequest();
    const before = await passwordThenWhatever(t, first.params, jar);
    assert.ok(before.location?.searchParams.get("code"), "no policy: a code");
    await upsertPolicyForTest(t, "demo-web", { require_second_factor: 1 });

    const { params, verifier } = demoRequest();
    const page = await authorize(t, params, jar);
    assert.equal(page.status, 200);
    assert.match(page.html, /Confirm it(&#39;|')s you/);
    assert.equal(page.location, null, "no code before the second factor");
    const wrong = await authorizePost(t, {
      ...formFields(page.html, "totp"),
      code: "123456" === codeFor(t, secret) ? "654321" : "123456",
    }, jar);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.location, null);
    const sidBefore = jar.get("sid");
    const done = await authorizePost(t, {
      ...formFields(wrong.html, "totp"),
      code: codeFor(t, secret),
    }, jar);
    assert.equal(done.status, 303);
    const code = done.location?.searchParams.get("code");
    assert.ok(code);
    // Same session id, new secret (privilege changed).
    assert.notEqual(jar.get("sid"), sidBefore);
    assert.equal(jar.get("sid")!.split(".")[0], sidBefore!.split(".")[0]);
    const claims = await idTokenClaims(t, code, verifier);
    assert.deepEqual(claims.amr, ["pwd", "otp", "mfa"]);
    assert.equal(claims.acr, "urn:authorization-server:acr:mfa");
    assert.equal(claims.auth_time, t.deps.now());

    // The session now has the second factor: the next request is silent.
    const next = demoRequest();
    const silent = await authorize(t, next.params, jar);
    assert.equal(silent.status, 302);
    assert.ok(silent.location?.searchParams.get("code"));
  } finally {
    await t.close();
  }
});

Deno.test("totp: a code is used once; replaying it in another sign-in is refused, the next step's code works", async () => {
  const t = await startAccountsApp();
  try {
    const { secret } = await enrolTOTP(t, await signInAccount(t));
    await upsertPolicyForTest(t, "demo-web", { require_second_factor: 1 });
    t.advance(31);
    const used = codeFor(t, secret);
    const a = new CookieJar();
    const pageA = await passwordThenWhatever(t, demoRequest().params, a);
    const okA = await allowIfAsked(
      t,
      await authorizePost(t, {
        ...formFields(pageA.html, "totp"),
        code: used,
      }, a),
      a,
    );
    assert.equal(okA.status, 303);
    assert.ok(okA.location?.searchParams.get("code"));

    const b = new CookieJar();
    const pageB = await passwordThenWhatever(t, demoRequest().params, b);
    const replay = await authorizePost(t, {
      ...formFields(pageB.html, "totp"),
      code: used,
    }, b);
    assert.equal(replay.status, 401);
    assert.match(replay.html, /used already/);
    t.advance(30);
    const fresh = await authorizePost(t, {
      ...formFields(replay.html, "totp"),
      code: codeFor(t, secret),
    }, b);
    assert.equal(fresh.status, 303);
    assert.ok(fresh.location?.searchParams.get("code"));
  } finally {
    await t.close();
  }
});

Deno.test("recovery code: one works once in place of the app code; the same code again is refused", async () => {
  const t = await startAccountsApp();
  try {
    const { recoveryCodes } = await enrolTOTP(t, await signInAccount(t));
    await upsertPolicyForTest(t, "demo-web", { require_second_factor: 1 });
    const [code] = recoveryCodes;
    const a = new CookieJar();
    const { params, verifier } = demoRequest();
    const pageA = await passwordThenWhatever(t, params, a);
    const ok = await allowIfAsked(
      t,
      await authorizePost(t, {
        ...formFields(pageA.html, "recovery_code"),
        code: code.toUpperCase().replaceAll("-", " "),
      }, a),
      a,
    );
    assert.equal(ok.status, 303);
    const claims = await idTokenClaims(
      t,
      ok.location!.searchParams.get("code")!,
      verifier,
    );
    assert.deepEqual(claims.amr, ["pwd", "otp", "mfa"]);

    const b = new CookieJar();
    const pageB = await passwordThenWhatever(t, demoRequest().params, b);
    const again = await authorizePost(t, {
      ...formFields(pageB.html, "recovery_code"),
      code,
    }, b);
    assert.equal(again.status, 401);
    assert.equal(again.location, null);
    const left = await securityPost(t, await signInAccount(t), {
      _action: "verify_recovery",
      code: recoveryCodes[1],
    });
    assert.equal(left.status, 303);
    const page = await securityPost(t, await signInAccount(t), {
      _action: "noop",
    });
    assert.match(page.html, /Confirm it(&#39;|')s you/);
  } finally {
    await t.close();
  }
});

Deno.test("acr_values: mfa asks a password session for the second factor; prompt=none answers login_required; values not ours are passed over (no acr claimed)", async () => {
  const t = await startAccountsApp();
  try {
    const { secret } = await enrolTOTP(t, await signInAccount(t));
    t.advance(31);
    const jar = new CookieJar();
    await passwordThenWhatever(t, demoRequest().params, jar);
    const mfa = "urn:authorization-server:acr:mfa";
    const silent = await authorize(
      t,
      demoRequest({ acr_values: mfa, prompt: "none" }).params,
      jar,
    );
    assert.equal(silent.status, 302);
    assert.equal(silent.location?.searchParams.get("error"), "login_required");
    // OIDC Core §5.5.1.1: a voluntary claim; none of ours was asked, so
    // the code comes at once and the ID token claims no acr.
    const gold = demoRequest({ acr_values: "urn:example:gold" });
    const unknown = await authorize(t, gold.params, jar);
    assert.equal(unknown.status, 302);
    const goldClaims = await idTokenClaims(
      t,
      unknown.location!.searchParams.get("code")!,
      gold.verifier,
    );
    assert.equal(goldClaims.acr, undefined);
    assert.deepEqual(goldClaims.amr, ["pwd"]);
    const { params, verifier } = demoRequest({
      acr_values: `urn:example:gold ${mfa}`,
    });
    const page = await authorize(t, params, jar);
    assert.match(page.html, /Confirm it(&#39;|')s you/);
    const done = await authorizePost(t, {
      ...formFields(page.html, "totp"),
      code: codeFor(t, secret),
    }, jar);
    const claims = await idTokenClaims(
      t,
      done.location!.searchParams.get("code")!,
      verifier,
    );
    assert.equal(claims.acr, mfa);
    // A passkey-only class cannot be reached with a code: only passkeys are offered.
    const phr = await authorize(
      t,
      demoRequest({ acr_values: "phr" }).params,
      jar,
    );
    assert.equal(phr.status, 200);
    assert.doesNotMatch(phr.html, /name="_action" value="totp"/);
    assert.match(phr.html, /no passkey that this app accepts/);
  } finally {
    await t.close();
  }
});

Deno.test("account security: turning the app off needs a recent sign-in; after confirming the password it is off and the recovery codes go with it", async () => {
  const t = await startAccountsApp();
  try {
    const jar = await signInAccount(t);
    await enrolTOTP(t, jar);
    t.advance(600);
    const refused = await securityPost(t, jar, { _action: "totp_disable" });
    assert.equal(refused.status, 403);
    assert.match(refused.html, /Confirm your password/);
    const wrong = await securityPost(t, jar, {
      _action: "reauth",
      password: "nope",
    });
    assert.equal(wrong.status, 401);
    const confirmed = await securityPost(t, jar, {
      _action: "reauth",
      password: "alice",
    });
    assert.equal(confirmed.status, 303);
    const off = await securityPost(t, jar, { _action: "totp_disable" });
    assert.equal(off.status, 303);
    assert.equal(off.location, "/account/security?notice=totp.disabled");
    assert.equal(
      (await t.deps.db.selectFrom("user_totp").selectAll().execute()).length,
      0,
    );
    assert.equal(
      (await t.deps.db.selectFrom("user_recovery_codes").selectAll().execute())
        .length,
      0,
    );
    const actions = (await t.deps.db.selectFrom("audit_events")
      .select("action").where("target_type", "=", "account").execute())
      .map((r) => r.action);
    for (
      const action of [
        "totp.enabled",
        "recovery_codes.generated",
        "account.reauth_failed",
        "account.reauth_succeeded",
        "totp.disabled",
      ]
    ) {
      assert.ok(actions.includes(action), `${action} audited`);
    }
  } finally {
    await t.close();
  }
});

Deno.test("account security: a password-only session of an account with a second factor must pass it before managing factors", async () => {
  const t = await startAccountsApp();
  try {
    const { secret } = await enrolTOTP(t, await signInAccount(t));
    t.advance(31);
    const jar = await signInAccount(t);
    const page = await securityPost(t, jar, { _action: "totp_disable" });
    assert.equal(page.status, 403);
    assert.match(page.html, /Confirm it(&#39;|')s you/);
    assert.equal(
      (await t.deps.db.selectFrom("user_totp").selectAll().execute()).length,
      1,
    );
    const ok = await securityPost(t, jar, {
      _action: "verify_totp",
      code: codeFor(t, secret),
    });
    assert.equal(ok.status, 303);
    const off = await securityPost(t, jar, { _action: "totp_disable" });
    assert.equal(off.status, 303);
  } finally {
    await t.close();
  }
});

Deno.test("account security: wrong step-up codes are stopped by the second-factor budget with a 429 that says when to try again", async () => {
  const t = await startAccountsApp();
  try {
    const { secret } = await enrolTOTP(t, await signInAccount(t));
    t.advance(31);
    const jar = await signInAccount(t);
    const right = codeFor(t, secret);
    const wrong = right === "000000" ? "000001" : "000000";
    const { limit, windowSeconds } = BUDGETS.secondFactorPerAccount;
    for (let i = 0; i < limit; i++) {
      const miss = await securityPost(t, jar, {
        _action: "verify_totp",
        code: wrong,
      });
      assert.equal(miss.status, 401, `attempt ${i + 1}`);
      assert.equal(miss.retryAfter, null);
    }
    const limited = await securityPost(t, jar, {
      _action: "verify_totp",
      code: right,
    });
    assert.equal(limited.status, 429);
    const seconds = Number(limited.retryAfter);
    assert.ok(
      Number.isInteger(seconds) && seconds > 0 && seconds <= windowSeconds,
      `Retry-After ${limited.retryAfter}`,
    );
    // Even the right code waits for the window: the session is not raised.
    const still = await securityPost(t, jar, { _action: "totp_disable" });
    assert.equal(still.status, 403);
  } finally {
    await t.close();
  }
});

Deno.test("account security: without a session the page sends the person to sign in", async () => {
  const t = await startAccountsApp();
  try {
    const res = await t.fetch("/account/security", {
      headers: { Accept: "text/html" },
      redirect: "manual",
    });
    assert.equal(res.status, 303);
    assert.equal(
      res.headers.get("Location"),
      "/account/login?next=%2Faccount%2Fsecurity",
    );
  } finally {
    await t.close();
  }
});

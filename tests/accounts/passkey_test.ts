/**
 * Passkeys in-process with a software authenticator (ES256 in WebCrypto,
 * hand-built authenticator data): registration on /account/security,
 * usernameless sign-in at /authorize, a passkey as the second factor after
 * a password, single-use challenges, and what the server refuses. ISSUER is
 * http://localhost:8000, so pages offer WebAuthn directly.
 * @module
 */
import assert from "node:assert/strict";
import { upsertPolicyForTest } from "../helpers/policy.ts";
import {
  islandProps,
  SoftwarePasskey,
} from "../helpers/software_authenticator.ts";
import {
  CookieJar,
  openForm,
  postForm,
  type TestApp,
} from "../helpers/test_app.ts";
import {
  allowIfAsked,
  authorize,
  authorizePost,
  demoRequest,
  formFields,
  idTokenClaims,
  passwordThenWhatever,
  recoveryCodesOn,
  SECURITY,
  securityPost,
  signInAccount,
  startAccountsApp,
} from "./fixture.ts";

const ISSUER = "http://localhost:8000";

async function start(): Promise<TestApp> {
  return await startAccountsApp({ env: { ISSUER } });
}

/** Registers a software passkey for the jar's user on /account/security. */
async function addPasskey(
  t: TestApp,
  jar: CookieJar,
  options: { synced?: boolean; name?: string } = {},
): Promise<{ passkey: SoftwarePasskey; html: string }> {
  const page = await t.fetch(SECURITY, {
    headers: { Accept: "text/html", Cookie: jar.header() },
  });
  const props = islandProps(await page.text(), "PasskeyRegister");
  assert.ok(props, "the page offers to add a passkey");
  const creation = props.options as {
    challenge: string;
    user: { id: string };
    rp: { id: string };
    authenticatorSelection: { residentKey: string; userVerification: string };
  };
  assert.equal(creation.rp.id, "localhost");
  assert.equal(creation.authenticatorSelection.residentKey, "required");
  assert.equal(creation.authenticatorSelection.userVerification, "required");
  const passkey = await SoftwarePasskey.create({
    rpID: "localhost",
    origin: ISSUER,
    synced: options.synced,
  });
  const res = await securityPost(t, jar, {
    _action: "passkey_register",
    name: options.name ?? "Software key",
    passkey_response: JSON.stringify(await passkey.register(creation)),
  });
  assert.ok(res.status === 200 || res.status === 303, res.html.slice(0, 400));
  return { passkey, html: res.html };
}

/** The assertion options a page's passkey island carries. */
function assertionOptions(
  html: string,
): { challenge: string; allowCredentials?: { id: string }[] } {
  const props = islandProps(html, "PasskeySignIn");
  assert.ok(props, "the page offers a passkey");
  return props.options as {
    challenge: string;
    allowCredentials?: { id: string }[];
  };
}

/** Posts a passkey assertion for the page's options through its form. */
async function postAssertion(
  page: { html: string },
  passkey: SoftwarePasskey,
): Promise<
  { response: Record<string, unknown>; fields: Record<string, string> }
> {
  const props = islandProps(page.html, "PasskeySignIn")!;
  const response = await passkey.assert(assertionOptions(page.html));
  return {
    response,
    fields: {
      ...(props.fields as Record<string, string>),
      csrf_token: props.csrf as string,
      passkey_response: JSON.stringify(response),
    },
  };
}

Deno.test("passkey: added on /account/security (recovery codes shown once), then a usernameless sign-in; the ID token says hwk user mfa, acr phrh; the same assertion again is refused", async () => {
  const t = await start();
  try {
    const { passkey, html } = await addPasskey(t, await signInAccount(t));
    assert.equal(recoveryCodesOn(html).length, 10);
    const row = await t.deps.db.selectFrom("webauthn_credentials").selectAll()
      .executeTakeFirstOrThrow();
    assert.equal(row.name, "Software key");
    assert.equal(row.device_type, "singleDevice");

    const jar = new CookieJar();
    const { params, verifier } = demoRequest();
    const login = await authorize(t, params, jar);
    assert.equal(login.title, "Sign in");
    assert.match(login.html, /autocomplete="username webauthn"/);
    assert.deepEqual(assertionOptions(login.html).allowCredentials ?? [], []);
    const { fields } = await postAssertion(login, passkey);
    const signedIn = await allowIfAsked(
      t,
      await authorizePost(t, fields, jar),
      jar,
    );
    assert.equal(signedIn.status, 303, signedIn.html.slice(0, 500));
    const claims = await idTokenClaims(
      t,
      signedIn.location!.searchParams.get("code")!,
      verifier,
    );
    assert.deepEqual(claims.amr, ["hwk", "user", "mfa"]);
    assert.equal(claims.acr, "phrh");
    const used = await t.deps.db.selectFrom("webauthn_credentials")
      .selectAll().executeTakeFirstOrThrow();
    assert.equal(used.counter, 1);
    assert.notEqual(used.last_used_at, null);

    // The very same assertion (its challenge is used) signs nobody in.
    const other = new CookieJar();
    const again = await authorize(t, demoRequest().params, other);
    const replay = await authorizePost(t, {
      ...fields,
      csrf_token: formFields(again.html, "login").csrf_token,
    }, other);
    assert.equal(replay.status, 401);
    assert.equal(other.get("sid"), undefined);
    const audit = await t.deps.db.selectFrom("audit_events").select("detail")
      .where("action", "=", "sign_in.failed").execute();
    assert.ok(audit.some((r) => r.detail.includes("assertion_failed")));
  } finally {
    await t.close();
  }
});

Deno.test("passkey as the second factor: after a password, the second-factor page offers only the user's passkeys; the code's ID token says pwd hwk user mfa", async () => {
  const t = await start();
  try {
    const { passkey } = await addPasskey(t, await signInAccount(t));
    await addPasskey(t, await signInAccount(t, "bob"), { name: "Bob's" });
    await upsertPolicyForTest(t, "demo-web", { require_second_factor: 1 });
    const jar = new CookieJar();
    const { params, verifier } = demoRequest();
    const page = await passwordThenWhatever(t, params, jar);
    assert.match(page.html, /Confirm it(&#39;|')s you/);
    const allow = assertionOptions(page.html).allowCredentials!.map((c) =>
      c.id
    );
    assert.deepEqual(allow, [passkey.id]);
    const { fields } = await postAssertion(page, passkey);
    const done = await allowIfAsked(
      t,
      await authorizePost(t, fields, jar),
      jar,
    );
    assert.equal(done.status, 303);
    const claims = await idTokenClaims(
      t,
      done.location!.searchParams.get("code")!,
      verifier,
    );
    assert.deepEqual(claims.amr, ["pwd", "hwk", "user", "mfa"]);
    assert.equal(claims.acr, "phrh");
  } finally {
    await t.close();
  }
});

Deno.test("passkey: a synced passkey is swk and phr; acr_values=phrh then asks for a device-bound one", async () => {
  const t = await start();
  try {
    const { passkey } = await addPasskey(t, await signInAccount(t), {
      synced: true,
    });
    const jar = new CookieJar();
    const { params, verifier } = demoRequest();
    const login = await authorize(t, params, jar);
    const { fields } = await postAssertion(login, passkey);
    const done = await allowIfAsked(
      t,
      await authorizePost(t, fields, jar),
      jar,
    );
    const claims = await idTokenClaims(
      t,
      done.location!.searchParams.get("code")!,
      verifier,
    );
    assert.deepEqual(claims.amr, ["swk", "user", "mfa"]);
    assert.equal(claims.acr, "phr");
    const stricter = await authorize(
      t,
      demoRequest({ acr_values: "phrh" }).params,
      jar,
    );
    assert.equal(stricter.status, 200);
    assert.equal(islandProps(stricter.html, "PasskeySignIn"), null);
    assert.match(stricter.html, /no passkey that this app accepts/);
  } finally {
    await t.close();
  }
});

Deno.test("passkey: an assertion from another origin, or naming another user, signs nobody in", async () => {
  const t = await start();
  try {
    const { passkey } = await addPasskey(t, await signInAccount(t));
    const jar = new CookieJar();
    const login = await authorize(t, demoRequest().params, jar);
    const phishing = await SoftwarePasskey.create({
      rpID: "localhost",
      origin: "http://localhost:3000",
    });
    Object.assign(phishing, { credentialID: passkey.credentialID });
    Object.assign(phishing, { keys: passkey.keys, counter: 5 });
    const { fields } = await postAssertion(login, phishing);
    const refused = await authorizePost(t, fields, jar);
    assert.equal(refused.status, 401);
    assert.equal(jar.get("sid"), undefined);

    passkey.userHandle = btoa("someone-else").replace(/=+$/, "");
    const again = await authorize(t, demoRequest().params, jar);
    const other = await postAssertion(again, passkey);
    assert.equal((await authorizePost(t, other.fields, jar)).status, 401);
    // Garbage in the field is a 401 page too, never a 500.
    for (const junk of ["", "{", "null", '{"id":1}', "x".repeat(20000)]) {
      const res = await authorizePost(t, {
        ...other.fields,
        passkey_response: junk,
      }, jar);
      assert.equal(res.status, 401, junk.slice(0, 10));
    }
  } finally {
    await t.close();
  }
});

Deno.test("passkey management: rename is audited; deleting needs a recent sign-in and takes the recovery codes with the last factor", async () => {
  const t = await start();
  try {
    const jar = await signInAccount(t);
    const { passkey } = await addPasskey(t, jar);
    const renamed = await securityPost(t, jar, {
      _action: "passkey_rename",
      credential_id: passkey.id,
      name: "Phone",
    });
    assert.equal(renamed.status, 303);
    const empty = await securityPost(t, jar, {
      _action: "passkey_rename",
      credential_id: passkey.id,
      name: "  ",
    });
    assert.equal(empty.status, 400);
    t.advance(600);
    const stale = await securityPost(t, jar, {
      _action: "passkey_delete",
      credential_id: passkey.id,
    });
    assert.equal(stale.status, 403);
    // Re-confirm with the passkey itself.
    const csrf = await openForm(t, SECURITY, jar);
    const reauthPage = await postForm(t, SECURITY, {
      csrf_token: csrf,
      _action: "passkey_delete",
      credential_id: passkey.id,
    }, jar);
    const html = await reauthPage.text();
    const response = await passkey.assert(assertionOptions(html));
    const confirmed = await securityPost(t, jar, {
      _action: "verify_passkey",
      passkey_response: JSON.stringify(response),
    });
    assert.equal(confirmed.status, 303);
    const deleted = await securityPost(t, jar, {
      _action: "passkey_delete",
      credential_id: passkey.id,
    });
    assert.equal(deleted.status, 303);
    assert.equal(
      (await t.deps.db.selectFrom("webauthn_credentials").selectAll().execute())
        .length,
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
      const a of ["passkey.registered", "passkey.renamed", "passkey.deleted"]
    ) {
      assert.ok(actions.includes(a), a);
    }
  } finally {
    await t.close();
  }
});

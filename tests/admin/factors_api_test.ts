/**
 * A user's second factors through the admin API and the user page: what
 * they have (no secret ever), deleting a passkey, and "reset second
 * factor" (app, passkeys, recovery codes gone; sessions ended; audited).
 * @module
 */
import assert from "node:assert/strict";
import { findUserByCanonicalUsername } from "../../lib/db/users.ts";
import { enrolTOTP, signInAccount } from "../accounts/fixture.ts";
import {
  islandProps,
  SoftwarePasskey,
} from "../helpers/software_authenticator.ts";
import { signInAdmin } from "../helpers/test_app.ts";
import { startAdminApp } from "./admin_fixture.ts";

Deno.test("admin factors: the user's app, recovery codes and passkeys are listed without secrets; reset removes them all and ends the sessions", async () => {
  const f = await startAdminApp({ env: { ISSUER: "http://localhost:8000" } });
  try {
    const jar = await signInAccount(f.t);
    const { secret } = await enrolTOTP(f.t, jar);
    const page = await f.t.fetch("/account/security", {
      headers: { Accept: "text/html", Cookie: jar.header() },
    });
    const options = islandProps(await page.text(), "PasskeyRegister")!
      .options as { challenge: string; user: { id: string } };
    const passkey = await SoftwarePasskey.create({
      rpID: "localhost",
      origin: "http://localhost:8000",
    });
    const csrf = (await (await f.t.fetch("/account/security", {
      headers: { Accept: "text/html", Cookie: jar.header() },
    })).text()).match(/name="csrf_token" value="([^"]+)"/)![1];
    const added = await f.t.fetch("/account/security", {
      method: "POST",
      headers: {
        Cookie: jar.header(),
        Origin: "http://localhost:8000",
        "Content-Type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        csrf_token: csrf,
        _action: "passkey_register",
        name: "Phone",
        passkey_response: JSON.stringify(await passkey.register(options)),
      }),
      redirect: "manual",
    });
    assert.equal(added.status, 303);
    const alice = (await findUserByCanonicalUsername(f.t.deps.db, "alice"))!;

    const listed = await f.api("GET", `/admin/users/${alice.id}/factors`);
    assert.equal(listed.status, 200);
    assert.equal(listed.body.totp.enabled, true);
    assert.deepEqual(listed.body.recovery_codes, { unused: 10, total: 10 });
    assert.equal(listed.body.passkeys.length, 1);
    assert.equal(listed.body.passkeys[0].name, "Phone");
    assert.equal(listed.body.passkeys[0].id, passkey.id);
    assert.ok(!JSON.stringify(listed.body).includes(secret));

    const ui = await signInAdmin(f.t, f.token);
    const userPage = await f.t.fetch(`/admin/ui/users/${alice.id}`, {
      headers: { Accept: "text/html", Cookie: ui.header() },
    });
    const html = await userPage.text();
    assert.match(html, /Sign-in methods/);
    assert.match(html, /Phone/);
    assert.match(html, /Reset second factor/);

    assert.equal(
      (await f.api("DELETE", `/admin/users/${alice.id}/passkeys/nope`)).status,
      404,
    );
    const reset = await f.api("POST", `/admin/users/${alice.id}/factors/reset`);
    assert.equal(reset.status, 200);
    assert.deepEqual(reset.body, {
      totp: { enabled: false, since: null },
      recovery_codes: { unused: 0, total: 0 },
      passkeys: [],
    });
    const sessions = await f.t.deps.db.selectFrom("sessions").selectAll()
      .where("user_id", "=", alice.id).execute();
    assert.equal(sessions.length, 0);
    const event = await f.t.deps.db.selectFrom("audit_events").selectAll()
      .where("action", "=", "user.second_factor_reset")
      .executeTakeFirstOrThrow();
    assert.equal(event.target_id, alice.id);
    assert.deepEqual(JSON.parse(event.detail), {
      totp_removed: true,
      passkeys_removed: 1,
      recovery_codes_removed: 10,
      sessions_ended: 1,
    });
    assert.equal(
      (await f.api("POST", "/admin/users/nobody/factors/reset")).status,
      404,
    );
  } finally {
    await f.t.close();
  }
});

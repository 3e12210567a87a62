import assert from "node:assert/strict";
import { startTestApp } from "../tests/helpers/test_app.ts";
import { createUser, signIn } from "./users.ts";

Deno.test("signIn: right password signs in; wrong password and unknown user look the same", async () => {
  const t = await startTestApp();
  try {
    await createUser(
      t.deps.db,
      { username: "carol", password: "s3cret!" },
      t.deps.now(),
    );
    const ok = await signIn(t.deps, "carol", "s3cret!", "10.0.0.1");
    assert.equal(ok.ok, true);
    assert.deepEqual(await signIn(t.deps, "carol", "nope", "10.0.0.1"), {
      ok: false,
      reason: "invalid",
    });
    assert.deepEqual(await signIn(t.deps, "nobody", "nope", "10.0.0.1"), {
      ok: false,
      reason: "invalid",
    });
  } finally {
    await t.close();
  }
});

Deno.test("signIn: brute force from one IP is limited; the owner still signs in from another IP", async () => {
  const t = await startTestApp();
  try {
    await createUser(t.deps.db, {
      username: "dave",
      password: "right-password",
    }, t.deps.now());
    for (let i = 0; i < 10; i++) {
      const r = await signIn(t.deps, "dave", `guess-${i}`, "203.0.113.9");
      assert.equal(r.ok, false);
    }
    const limited = await signIn(
      t.deps,
      "dave",
      "right-password",
      "203.0.113.9",
    );
    assert.equal(limited.ok, false);
    assert.equal(!limited.ok && limited.reason, "limited");
    assert.ok(!limited.ok && limited.retryAfter! > 0);
    const owner = await signIn(
      t.deps,
      "dave",
      "right-password",
      "198.51.100.7",
    );
    assert.equal(owner.ok, true);
    // The window passes and the first IP may try again.
    t.advance(301);
    const later = await signIn(t.deps, "dave", "right-password", "203.0.113.9");
    assert.equal(later.ok, true);
  } finally {
    await t.close();
  }
});

Deno.test("signIn: a disabled user cannot sign in", async () => {
  const t = await startTestApp();
  try {
    const user = await createUser(t.deps.db, {
      username: "erin",
      password: "pw-erin-1",
    }, t.deps.now());
    await t.deps.db.updateTable("users").set({ disabled: 1 }).where(
      "id",
      "=",
      user.id,
    ).execute();
    const r = await signIn(t.deps, "erin", "pw-erin-1", "10.0.0.2");
    assert.equal(r.ok, false);
  } finally {
    await t.close();
  }
});

Deno.test("signIn: a username with a NUL is simply unknown (no database error on PostgreSQL)", async () => {
  const t = await startTestApp();
  try {
    const result = await signIn(t.deps, "al\0ice", "whatever", null);
    assert.deepEqual(result, { ok: false, reason: "invalid" });
  } finally {
    await t.close();
  }
});

Deno.test("signIn: every evaluated attempt is audited without the password; a NUL in the tried name is stored as U+FFFD", async () => {
  const t = await startTestApp();
  try {
    await createUser(t.deps.db, { username: "fay", password: "pw-fay-1" }, 1);
    assert.equal(
      (await signIn(t.deps, "FAY", "pw-fay-1", "10.0.0.3")).ok,
      true,
    );
    await signIn(t.deps, "fay", "pw-wrong-1", "10.0.0.3", {
      clientID: "demo-web",
    });
    await signIn(t.deps, "f\0y", "pw-wrong-2", null);
    const rows = await t.deps.db.selectFrom("audit_events").selectAll()
      .orderBy("id").execute();
    assert.deepEqual(rows.map((r) => [r.action, r.actor, r.ip]), [
      ["sign_in.succeeded", "user:fay", "10.0.0.3"],
      ["sign_in.failed", "user:fay", "10.0.0.3"],
      ["sign_in.failed", "user:f\uFFFDy", null],
    ]);
    assert.equal(JSON.parse(rows[1].detail).reason, "wrong_password");
    assert.equal(JSON.parse(rows[1].detail).client_id, "demo-web");
    assert.equal(JSON.parse(rows[2].detail).reason, "unknown_user");
    for (const r of rows) assert.doesNotMatch(r.detail, /pw-/);
  } finally {
    await t.close();
  }
});

/**
 * The second-factor forms hold their failure budgets under concurrency:
 * 50 wrong TOTP codes, 50 wrong recovery codes and 50 bad passkey
 * assertions fired at once evaluate no more than the budget (counted by
 * the audit rows, which only evaluated attempts write); the rest answer
 * 429 with Retry-After, nothing 5xx; and once the account's budget is
 * spent even the right code is refused until the window ends.
 * @module
 */
import assert from "node:assert/strict";
import { BUDGETS } from "../../lib/security/rate_limit.ts";
import { upsertPolicyForTest } from "../helpers/policy.ts";
import { CookieJar, type TestApp } from "../helpers/test_app.ts";
import {
  authorize,
  authorizePost,
  codeFor,
  demoRequest,
  enrolTOTP,
  formFields,
  passwordThenWhatever,
  signInAccount,
  startAccountsApp,
} from "../accounts/fixture.ts";
import { islandProps } from "../helpers/software_authenticator.ts";

const AT_ONCE = 50;

function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

async function failures(t: TestApp, action: string): Promise<number> {
  const rows = await t.deps.db.selectFrom("audit_events").select("id")
    .where("action", "=", action).execute();
  return rows.length;
}

/** alice at the second-factor page of a client that requires one. */
async function atSecondFactor(t: TestApp): Promise<{
  jar: CookieJar;
  html: string;
}> {
  const jar = new CookieJar();
  const page = await passwordThenWhatever(t, demoRequest().params, jar);
  assert.match(page.html, /Confirm it(&#39;|')s you/);
  return { jar, html: page.html };
}

Deno.test("budgets: 50 wrong TOTP codes at once evaluate at most the account's budget; the rest are 429; then the right code is refused too", async () => {
  const t = await startAccountsApp();
  try {
    const { secret } = await enrolTOTP(t, await signInAccount(t));
    await upsertPolicyForTest(t, "demo-web", { require_second_factor: 1 });
    const { jar, html } = await atSecondFactor(t);
    const fields = formFields(html, "totp");
    const right = codeFor(t, secret);
    const wrong = right === "000000" ? "111111" : "000000";
    const answers = await Promise.all(
      Array.from(
        { length: AT_ONCE },
        () => authorizePost(t, { ...fields, code: wrong }, jar),
      ),
    );
    const counts = tally(answers.map((a) => a.status));
    const limit = BUDGETS.secondFactorPerAccount.limit;
    const evaluated = await failures(t, "second_factor.failed");
    assert.ok(evaluated <= limit, `${evaluated} evaluated, budget ${limit}`);
    assert.equal(counts[401] ?? 0, evaluated);
    assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), AT_ONCE);
    // Top up to exactly the budget, one at a time.
    let total = evaluated;
    for (let i = 0; i < AT_ONCE; i++) {
      const a = await authorizePost(t, { ...fields, code: wrong }, jar);
      if (a.status === 429) break;
      assert.equal(a.status, 401);
      total++;
    }
    assert.equal(total, limit);
    const refused = await authorizePost(t, { ...fields, code: right }, jar);
    assert.equal(refused.status, 429);
    assert.equal(refused.location, null);
    assert.equal(await failures(t, "second_factor.succeeded"), 0);
  } finally {
    await t.close();
  }
});

Deno.test("budgets: 50 wrong recovery codes at once evaluate at most the budget", async () => {
  const t = await startAccountsApp();
  try {
    await enrolTOTP(t, await signInAccount(t));
    await upsertPolicyForTest(t, "demo-web", { require_second_factor: 1 });
    const { jar, html } = await atSecondFactor(t);
    const fields = formFields(html, "recovery_code");
    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, (_, i) =>
        authorizePost(t, {
          ...fields,
          code: `aaaa-bbbb-${String(i).padStart(4, "c")}`,
        }, jar)),
    );
    const counts = tally(answers.map((a) => a.status));
    const evaluated = await failures(t, "second_factor.failed");
    assert.ok(evaluated <= BUDGETS.secondFactorPerAccount.limit);
    assert.equal(counts[401] ?? 0, evaluated);
    assert.equal(counts[429], AT_ONCE - evaluated);
    assert.ok(answers.every((a) => a.status < 500));
  } finally {
    await t.close();
  }
});

Deno.test("budgets: 50 bad passkey assertions at once evaluate at most the address's budget", async () => {
  const t = await startAccountsApp({
    env: { ISSUER: "http://localhost:8000" },
  });
  try {
    const jar = new CookieJar();
    const login = await authorize(t, demoRequest().params, jar);
    const props = islandProps(login.html, "PasskeySignIn")!;
    const fields = {
      ...(props.fields as Record<string, string>),
      csrf_token: props.csrf as string,
    };
    const bogus = JSON.stringify({
      id: "AAAA",
      rawId: "AAAA",
      type: "public-key",
      response: {
        clientDataJSON: "e30",
        authenticatorData: "AAAA",
        signature: "AAAA",
      },
      clientExtensionResults: {},
    });
    const answers = await Promise.all(
      Array.from(
        { length: AT_ONCE },
        () => authorizePost(t, { ...fields, passkey_response: bogus }, jar),
      ),
    );
    const counts = tally(answers.map((a) => a.status));
    const evaluated = await failures(t, "sign_in.failed");
    assert.ok(evaluated <= BUDGETS.passkeyPerIP.limit, `${evaluated}`);
    assert.equal(counts[401] ?? 0, evaluated);
    assert.equal(counts[429], AT_ONCE - evaluated);
  } finally {
    await t.close();
  }
});

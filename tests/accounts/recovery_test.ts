/**
 * Forgot password, end to end with real parts: a real SMTP server on
 * loopback receives the reset mail, Chromium follows its link and sets a
 * new password; the new password signs in, the old one does not, and the
 * link works once. The answer for an unknown account is byte for byte the
 * answer for a known one; 50 requests at once for one account send at
 * most the account's budget of mails.
 * @module
 */
import assert from "node:assert/strict";
import { BUDGETS } from "../../lib/security/rate_limit.ts";
import { chromiumAvailable, launchChromium } from "../helpers/browser.ts";
import { linkIn } from "../helpers/mail_server.ts";
import { canSignIn, demoParams, readPage } from "../helpers/oauth.ts";
import { CookieJar, openForm, postForm } from "../helpers/test_app.ts";
import { accountWorld } from "./self_service_fixture.ts";

Deno.test({
  name:
    "recovery: the reset mail's link, followed in Chromium, sets a new password; the old one stops working and the link works once",
  ignore: !chromiumAvailable(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const w = await accountWorld({ mail: true, listen: true });
    const browser = await launchChromium();
    try {
      const { t } = w;
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${t.base}/account/login`);
      await page.getByRole("link", { name: "Forgot password?" }).click();
      await page.getByLabel("Username or email address").fill(
        "alice@example.com",
      );
      await page.getByRole("button", { name: "Send the link" }).click();
      await page.getByText("If an account matches").waitFor();
      const mail = await w.mail!.next();
      assert.deepEqual(mail.to, ["alice@example.com"]);
      assert.equal(mail.subject, "Reset your password");
      assert.match(
        mail.html,
        /<a href="http:\/\/127\.0\.0\.1:\d+\/account\/reset\?token=/,
      );
      const link = linkIn(mail, `${t.base}/account/reset?token=`);

      await page.goto(link);
      await page.getByLabel("New password", { exact: true }).fill(
        "a brand new secret",
      );
      await page.getByLabel("New password, again").fill("a brand new secret");
      await page.getByRole("button", { name: "Set new password" }).click();
      await page.getByText("Your password is changed. Sign in with it.")
        .waitFor();

      assert.equal(await canSignIn(t, "alice", "a brand new secret"), true);
      assert.equal(await canSignIn(t, "alice", "alice"), false);

      // A second use of the link: its page says it does not work, and a
      // post with it changes nothing.
      await page.goto(link);
      await page.getByText("This link does not work").waitFor();
      const jar = new CookieJar();
      const csrf = await openForm(t, "/account/forgot", jar);
      const again = await postForm(t, "/account/reset", {
        csrf_token: csrf,
        token: new URL(link).searchParams.get("token")!,
        new_password: "yet another secret",
        confirm_password: "yet another secret",
      }, jar);
      assert.equal(again.status, 410);
      await again.body?.cancel();
      assert.equal(await canSignIn(t, "alice", "yet another secret"), false);
      assert.equal(await canSignIn(t, "alice", "a brand new secret"), true);
    } finally {
      await browser.close();
      await w.close();
    }
  },
});

/** The parts of an answer a caller can see, with the per-request ids blanked. */
async function visible(res: Response): Promise<string> {
  const headers = [...res.headers].filter(([k]) => k !== "date")
    .map(([k, v]) => `${k}: ${v}`).join("\n");
  return `${res.status}\n${headers}\n\n${await res.text()}`;
}

Deno.test("recovery: an unknown account gets exactly the answer a known one gets, and no mail", async () => {
  const w = await accountWorld({ mail: true });
  try {
    const { t } = w;
    const jar = new CookieJar();
    const csrf = await openForm(t, "/account/forgot", jar);
    const ask = (identifier: string) =>
      postForm(t, "/account/forgot", { csrf_token: csrf, identifier }, jar);
    const known = await visible(await ask("alice"));
    const unknown = await visible(await ask("nobody-at-all"));
    const knownAddress = await visible(await ask("bob@example.com"));
    const unknownAddress = await visible(await ask("nobody@example.com"));
    // The form echoes what was typed; everything else is identical.
    assert.equal(unknown.replace("nobody-at-all", "alice"), known);
    assert.equal(
      unknownAddress.replace("nobody@example.com", "bob@example.com"),
      knownAddress,
    );
    assert.match(known, /^200\n/);
    assert.match(known, /If an account matches, we sent a link/);
    await t.deps.mail.idle();
    const to = w.mail!.mails.map((m) => m.to.join(","));
    assert.deepEqual(to.sort(), ["alice@example.com", "bob@example.com"]);
  } finally {
    await w.close();
  }
});

Deno.test("recovery: 50 requests at once for one account, from 50 addresses, send at most the account's budget of mails", async () => {
  const w = await accountWorld({
    mail: true,
    listen: true,
    env: { TRUSTED_PROXIES: "127.0.0.1" },
  });
  try {
    const { t } = w;
    const jar = new CookieJar();
    const csrf = await openForm(t, "/account/forgot", jar);
    const answers = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const res = await fetch(`${t.base}/account/forgot`, {
          method: "POST",
          headers: {
            Cookie: jar.header(),
            Origin: t.base,
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": `198.51.100.${i + 1}`,
          },
          body: new URLSearchParams({ csrf_token: csrf, identifier: "alice" }),
        });
        await res.body?.cancel();
        return res.status;
      }),
    );
    assert.deepEqual(answers, Array(50).fill(200));
    await t.deps.mail.idle();
    // Let the SMTP server finish parsing what it was handed.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(w.mail!.mails.length, BUDGETS.recoveryPerAccount.limit);
    // From one address the address's own budget answers 429 past it.
    const statuses: number[] = [];
    for (let i = 0; i < BUDGETS.recoveryPerIP.limit + 2; i++) {
      const res = await fetch(`${t.base}/account/forgot`, {
        method: "POST",
        headers: {
          Cookie: jar.header(),
          Origin: t.base,
          "Content-Type": "application/x-www-form-urlencoded",
          "X-Forwarded-For": "203.0.113.7",
        },
        body: new URLSearchParams({ csrf_token: csrf, identifier: `x${i}` }),
      });
      await res.body?.cancel();
      statuses.push(res.status);
      if (res.status === 429) assert.ok(res.headers.get("Retry-After"));
    }
    assert.deepEqual(
      statuses,
      [
        ...Array(BUDGETS.recoveryPerIP.limit).fill(200),
        429,
        429,
      ],
    );
  } finally {
    await w.close();
  }
});

Deno.test("recovery: 'Forgot password?' on the sign-in page of an authorization request mails a link and goes back to the same request", async () => {
  const w = await accountWorld({ mail: true });
  try {
    const { t } = w;
    const jar = new CookieJar();
    const { params } = demoParams();
    const start = await t.fetch(
      `/authorize?${new URLSearchParams(params as Record<string, string>)}`,
      {
        headers: { Accept: "text/html" },
      },
    );
    jar.capture(start);
    const html = await start.text();
    assert.match(html, /Forgot password\?/);
    const csrf = html.match(/name="csrf_token" value="([^"]+)"/)![1];
    const fields = readPage(html).fields;
    const forgot = await postForm(t, "/authorize", {
      ...fields,
      _action: "forgot_password",
    }, jar);
    const form = readPage(await forgot.text());
    assert.equal(form.title, "Reset your password");
    assert.equal(form.fields._action, "send_reset");
    assert.equal(form.fields.client_id, "demo-web");
    const sent = await postForm(t, "/authorize", {
      ...form.fields,
      csrf_token: csrf,
      identifier: "alice",
    }, jar);
    assert.equal(sent.status, 200);
    assert.match(await sent.text(), /If an account matches/);
    const mail = await w.mail!.next();
    assert.deepEqual(mail.to, ["alice@example.com"]);
    assert.ok(linkIn(mail, `${t.base}/account/reset?token=`));
  } finally {
    await w.close();
  }
});

Deno.test("recovery: without mail the sign-in pages offer no recovery and the forgot page says it is not set up", async () => {
  const w = await accountWorld();
  try {
    const { t } = w;
    const { params } = demoParams();
    const signIn = await t.fetch(
      `/authorize?${new URLSearchParams(params as Record<string, string>)}`,
      {
        headers: { Accept: "text/html" },
      },
    );
    assert.doesNotMatch(await signIn.text(), /Forgot password/);
    const login = await t.fetch("/account/login", {
      headers: { Accept: "text/html" },
    });
    assert.doesNotMatch(await login.text(), /Forgot password/);
    const jar = new CookieJar();
    const csrf = await openForm(t, "/account/login", jar);
    const res = await postForm(t, "/account/forgot", {
      csrf_token: csrf,
      identifier: "alice",
    }, jar);
    assert.equal(res.status, 404);
    assert.match(await res.text(), /not set up on this server/);
  } finally {
    await w.close();
  }
});

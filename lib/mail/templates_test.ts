import assert from "node:assert/strict";
import { MAIL_LOCALES, mailLocale, renderMail } from "./templates.ts";

const ISSUER = "https://id.example.com";

Deno.test("mail templates: the link is in the text and the HTML part, values are escaped in HTML only", () => {
  const link = `${ISSUER}/account/reset?token=abc&x=1`;
  const mail = renderMail("reset_password", "en", {
    username: "<b>alice</b>",
    issuer: ISSUER,
    minutes: "30",
  }, link);
  assert.equal(mail.subject, "Reset your password");
  assert.match(mail.text, /Hello <b>alice<\/b>,/);
  assert.ok(mail.text.includes(`\n${link}\n`));
  assert.match(mail.text, /expires in 30 minutes/);
  assert.ok(mail.html.includes("Hello &lt;b&gt;alice&lt;/b&gt;,"));
  assert.ok(!mail.html.includes("<b>alice"));
  assert.ok(
    mail.html.includes(`href="${ISSUER}/account/reset?token=abc&amp;x=1"`),
  );
});

Deno.test("mail templates: a change notice names the change, when and from where; the subject stays one line", () => {
  const mail = renderMail("account_changed", "en", {
    username: "alice",
    issuer: ISSUER,
    change: "password_changed",
    when: "2026-01-02 03:04 UTC",
    address: "192.0.2.1\r\nBcc: x@y",
  }, `${ISSUER}/account`);
  assert.equal(mail.subject, "Your account: Your password was changed");
  assert.match(mail.text, /Your password was changed on your account/);
  assert.match(mail.text, /2026-01-02 03:04 UTC/);
  const odd = renderMail("account_changed", "en", {
    change: "x\r\nBcc: evil@example.com",
  });
  assert.ok(!/[\r\n]/.test(odd.subject));
});

Deno.test("mail templates: every template of every locale renders without a left-over placeholder", () => {
  const values = {
    username: "u",
    email: "u@example.com",
    issuer: ISSUER,
    hours: "24",
    minutes: "30",
    expires: "2026-01-01",
    change: "app_revoked",
    when: "now",
    address: "here",
  };
  assert.deepEqual([...MAIL_LOCALES], ["en", "de"]);
  for (const locale of MAIL_LOCALES) {
    for (
      const template of [
        "verify_email",
        "reset_password",
        "invite",
        "account_changed",
      ] as const
    ) {
      const mail = renderMail(template, locale, values, `${ISSUER}/x`);
      for (const part of [mail.subject, mail.text, mail.html]) {
        assert.doesNotMatch(part, /\{[a-z_]+\}/, `${locale} ${template}`);
      }
    }
  }
  assert.equal(mailLocale("en-GB"), "en");
  assert.equal(mailLocale("de-CH"), "de");
  assert.equal(mailLocale("xx"), "en");
  assert.equal(mailLocale("xx", "de"), "de");
  assert.equal(mailLocale(42), "en");
});

Deno.test("mail templates: a German mail is German throughout, values and link unchanged", () => {
  const link = `${ISSUER}/account/verify?token=t`;
  const mail = renderMail("verify_email", "de", {
    username: "alice",
    issuer: ISSUER,
    email: "alice@example.com",
    hours: "24",
  }, link);
  assert.equal(mail.subject, "Bestätigen Sie Ihre E-Mail-Adresse");
  assert.match(mail.text, /^Hallo alice,/);
  assert.match(mail.text, /alice@example\.com Ihre Adresse für Ihr Konto/);
  assert.match(mail.text, /in 24 Stunden ab/);
  assert.ok(mail.text.includes(`\n${link}\n`));
  assert.match(mail.html, /^<!DOCTYPE html><html lang="de">/);
  const notice = renderMail("account_changed", "de", {
    username: "alice",
    issuer: ISSUER,
    change: "password_changed",
    when: "2026-01-02 03:04 UTC",
    address: "192.0.2.1",
  });
  assert.equal(notice.subject, "Ihr Konto: Ihr Passwort wurde geändert");
});

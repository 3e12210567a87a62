/**
 * The end-user pages in the visitor's language, as a browser meets them:
 * `ui_locales` (OIDC Core §3.1.2.1) first and kept through every form of
 * the flow, then Accept-Language with its q-values, then DEFAULT_LOCALE;
 * `<html lang>` says which; discovery lists what we have; mails caused by
 * a German page are German.
 * @module
 */
import assert from "node:assert/strict";
import { demoParams, readPage } from "../helpers/oauth.ts";
import {
  completeSetupFor,
  CookieJar,
  openForm,
  postForm,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import { seedDemo } from "../helpers/oauth.ts";
import { startMailServer } from "../helpers/mail_server.ts";

Deno.test.sanitizer({ ops: false, resources: false });

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const t = await startTestApp({ env });
  await completeSetupFor(t);
  await seedDemo(t);
  return t;
}

interface Page {
  status: number;
  lang: string;
  html: string;
  h1: string;
}

function pageOf(status: number, html: string): Page {
  return {
    status,
    html,
    lang: html.match(/<html lang="([^"]+)"/)?.[1] ?? "",
    h1: readPage(html).title,
  };
}

async function get(
  t: TestApp,
  path: string,
  headers: Record<string, string> = {},
  jar = new CookieJar(),
): Promise<Page> {
  const res = await t.fetch(path, {
    headers: { Accept: "text/html", Cookie: jar.header(), ...headers },
  });
  jar.capture(res);
  return pageOf(res.status, await res.text());
}

function authorizePath(extra: Record<string, string> = {}): string {
  const { params } = demoParams(extra);
  return `/authorize?${new URLSearchParams(params as Record<string, string>)}`;
}

Deno.test("languages: ui_locales=de gives the German sign-in page, and every step of the flow keeps it", async () => {
  const t = await app();
  try {
    const jar = new CookieJar();
    const signIn = await get(
      t,
      authorizePath({ ui_locales: "fr-CA de en" }),
      {},
      jar,
    );
    assert.equal(signIn.status, 200);
    assert.equal(signIn.lang, "de");
    assert.equal(signIn.h1, "Anmelden");
    assert.match(signIn.html, /<title>Anmelden<\/title>/);
    assert.match(
      signIn.html,
      /um mit <strong>demo-web<\/strong> fortzufahren|um mit <strong>[^<]+<\/strong> fortzufahren/,
    );
    assert.match(signIn.html, /<label for="username">Benutzername<\/label>/);
    assert.match(signIn.html, /Zum Inhalt springen/);
    const fields = readPage(signIn.html).fields;
    assert.equal(fields.ui_locales, "fr-CA de en", "carried in the form");

    // A wrong password: the error and the page stay German.
    const wrong = await postForm(t, "/authorize", {
      ...fields,
      username: "alice",
      password: "not it",
    }, jar);
    const again = pageOf(wrong.status, await wrong.text());
    assert.equal(again.status, 401);
    assert.equal(again.lang, "de");
    assert.match(
      again.html,
      /role="alert">Benutzername oder Passwort ist falsch\.</,
    );

    // The forgot-password step is German too, and its form carries ui_locales on.
    const forgot = await postForm(t, "/authorize", {
      ...readPage(again.html).fields,
      _action: "forgot_password",
    }, jar);
    const forgotPage = pageOf(forgot.status, await forgot.text());
    assert.equal(forgotPage.lang, "de");
    assert.equal(forgotPage.h1, "Passwort zurücksetzen");
    assert.match(forgotPage.html, /name="ui_locales" value="fr-CA de en"/);

    // Signing in leads to consent (demo-web asks once), in German.
    const ok = await postForm(t, "/authorize", {
      ...fields,
      username: "alice",
      password: "alice",
    }, jar);
    const consent = pageOf(ok.status, await ok.text());
    assert.equal(consent.lang, "de");
    assert.equal(consent.h1, "Zugriff erlauben?");
    assert.match(consent.html, /Sie anmelden und wissen, wer Sie sind/);
    assert.match(consent.html, />Erlauben</);
  } finally {
    await t.close();
  }
});

Deno.test("languages: Accept-Language is honoured by q-value; ui_locales outranks it", async () => {
  const t = await app();
  try {
    const de = await get(t, authorizePath(), {
      "Accept-Language": "fr-FR,fr;q=0.9,de-CH;q=0.8,en;q=0.5",
    });
    assert.equal(de.lang, "de");
    assert.equal(de.h1, "Anmelden");
    const en = await get(t, authorizePath(), {
      "Accept-Language": "de;q=0.4, en-GB;q=0.8",
    });
    assert.equal(en.lang, "en");
    assert.equal(en.h1, "Sign in");
    const asked = await get(t, authorizePath({ ui_locales: "en" }), {
      "Accept-Language": "de",
    });
    assert.equal(asked.lang, "en", "ui_locales wins over the browser");
    const account = await get(t, "/account/login", { "Accept-Language": "de" });
    assert.equal(account.lang, "de");
    assert.equal(account.h1, "Bei Ihrem Konto anmelden");
  } finally {
    await t.close();
  }
});

Deno.test("languages: an unsupported ui_locales or Accept-Language falls back to English", async () => {
  const t = await app();
  try {
    for (
      const [query, header] of [
        [{ ui_locales: "fr-CA ja" }, "es"],
        [{ ui_locales: "<script>" }, "*"],
        [{}, "x-klingon;q=1"],
        [{}, ""],
      ] as [Record<string, string>, string][]
    ) {
      const page = await get(t, authorizePath(query), {
        "Accept-Language": header,
      });
      assert.equal(page.status, 200);
      assert.equal(page.lang, "en", JSON.stringify([query, header]));
      assert.equal(page.h1, "Sign in");
    }
  } finally {
    await t.close();
  }
});

Deno.test("languages: DEFAULT_LOCALE=de makes German the fallback; a bad value stops the start", async () => {
  const t = await app({ DEFAULT_LOCALE: "de" });
  try {
    assert.equal((await get(t, authorizePath())).lang, "de");
    assert.equal(
      (await get(t, authorizePath(), { "Accept-Language": "ja" })).lang,
      "de",
    );
    assert.equal(
      (await get(t, authorizePath({ ui_locales: "en" }))).lang,
      "en",
    );
    // The admin UI stays English whatever the default.
    assert.equal((await get(t, "/admin/login")).lang, "en");
  } finally {
    await t.close();
  }
  await assert.rejects(
    () => startTestApp({ env: { DEFAULT_LOCALE: "fr" } }),
    /DEFAULT_LOCALE: must be one of en, de/,
  );
});

Deno.test("languages: error pages and logout pages follow ui_locales; the server's own words are marked English", async () => {
  const t = await app();
  try {
    const error = await get(
      t,
      `/authorize?${new URLSearchParams({
        client_id: "no-such-client",
        ui_locales: "de",
      })}`,
    );
    assert.equal(error.status, 400);
    assert.equal(error.lang, "de");
    assert.equal(error.h1, "Ungültige Anfrage");
    assert.match(
      error.html,
      /Meldung des Servers: <span lang="en">[^<]+<\/span>/,
    );
    const missing = await get(t, "/no-such-page", { "Accept-Language": "de" });
    assert.equal(missing.status, 404);
    assert.equal(missing.h1, "Seite nicht gefunden");

    // RP-Initiated Logout 1.0 §2 ui_locales, carried through the confirmation.
    const jar = new CookieJar();
    const signIn = await get(t, authorizePath(), {}, jar);
    await postForm(t, "/authorize", {
      ...readPage(signIn.html).fields,
      username: "alice",
      password: "alice",
    }, jar);
    const confirm = await get(t, "/end_session?ui_locales=de", {}, jar);
    assert.equal(confirm.lang, "de");
    assert.equal(confirm.h1, "Abmelden?");
    const fields = readPage(confirm.html).fields;
    assert.equal(fields.ui_locales, "de");
    const done = await postForm(t, "/end_session", fields, jar);
    const signedOut = pageOf(done.status, await done.text());
    assert.equal(signedOut.lang, "de");
    assert.equal(signedOut.h1, "Sie sind abgemeldet");
  } finally {
    await t.close();
  }
});

Deno.test("languages: discovery lists ui_locales_supported in both metadata documents", async () => {
  const t = await app();
  try {
    for (
      const path of [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
      ]
    ) {
      const doc = await (await t.fetch(path)).json();
      assert.deepEqual(doc.ui_locales_supported, ["en", "de"], path);
    }
  } finally {
    await t.close();
  }
});

Deno.test("languages: a password reset asked for on a German page is mailed in German", async () => {
  const mail = await startMailServer();
  const t = await app(mail.env);
  try {
    const jar = new CookieJar();
    const csrf = await openForm(t, "/account/forgot", jar);
    const res = await postForm(
      t,
      "/account/forgot",
      {
        csrf_token: csrf,
        identifier: "alice",
      },
      jar,
      { headers: { "Accept-Language": "de-DE,de;q=0.9" } },
    );
    const page = pageOf(res.status, await res.text());
    assert.equal(page.lang, "de");
    assert.match(page.html, /Wenn ein Konto passt, haben wir einen Link/);
    const sent = await mail.next();
    assert.deepEqual(sent.to, ["alice@example.com"]);
    assert.equal(sent.subject, "Setzen Sie Ihr Passwort zurück");
    assert.match(sent.text, /^Hallo alice,/);
    assert.match(sent.text, /läuft in 30 Minuten ab/);
    // The same request from an English page: English.
    const csrf2 = await openForm(t, "/account/forgot", jar);
    await (await postForm(t, "/account/forgot", {
      csrf_token: csrf2,
      identifier: "bob",
    }, jar)).body?.cancel();
    const english = await mail.next();
    assert.equal(english.subject, "Reset your password");
  } finally {
    await t.close();
    await mail.close();
  }
});

import assert from "node:assert/strict";
import {
  fromAcceptLanguage,
  fromUILocales,
  localeOf,
  negotiateLocale,
} from "./locales.ts";

Deno.test("locales: a tag matches by itself or its primary language subtag", () => {
  assert.equal(localeOf("de"), "de");
  assert.equal(localeOf("DE-ch"), "de");
  assert.equal(localeOf("en_GB"), "en");
  assert.equal(localeOf("de-Latn-DE-1996"), "de");
  assert.equal(localeOf("fr"), null);
  assert.equal(localeOf("*"), null);
  assert.equal(localeOf(""), null);
  assert.equal(localeOf("de;"), null);
  assert.equal(localeOf("x".repeat(40)), null);
  assert.equal(
    localeOf("deutsch-de"),
    null,
    "a primary subtag is 1-8 letters, and this one is no language we have",
  );
});

Deno.test("locales: ui_locales is space-separated, first supported wins (OIDC Core §3.1.2.1)", () => {
  assert.equal(fromUILocales("fr-CA fr de en"), "de");
  assert.equal(fromUILocales("en de"), "en");
  assert.equal(fromUILocales("de-AT"), "de");
  assert.equal(fromUILocales("fr ja"), null);
  assert.equal(fromUILocales(""), null);
  assert.equal(fromUILocales(null), null);
  assert.equal(fromUILocales("de,en"), null, "commas are not the separator");
});

Deno.test("locales: Accept-Language is ordered by q-value, q=0 refuses (RFC 9110 §12.5.4)", () => {
  assert.equal(fromAcceptLanguage("de-CH,de;q=0.9,en;q=0.8"), "de");
  assert.equal(fromAcceptLanguage("en;q=0.5, de;q=0.9"), "de");
  assert.equal(fromAcceptLanguage("fr, de;q=0.1"), "de");
  assert.equal(fromAcceptLanguage("de;q=0, en;q=0.2"), "en");
  assert.equal(fromAcceptLanguage("en-US,en;q=0.9"), "en");
  assert.equal(
    fromAcceptLanguage("de;q=0.5, en;q=0.5"),
    "de",
    "ties keep the order sent",
  );
  assert.equal(fromAcceptLanguage("*"), null);
  assert.equal(fromAcceptLanguage("fr-FR, ja;q=0.5"), null);
  assert.equal(
    fromAcceptLanguage("de;q=bogus"),
    "de",
    "a broken q-value counts as 1",
  );
  assert.equal(fromAcceptLanguage(""), null);
});

Deno.test("locales: ui_locales, then Accept-Language, then the default", () => {
  assert.equal(
    negotiateLocale({ uiLocales: "de", acceptLanguage: "en" }),
    "de",
  );
  assert.equal(
    negotiateLocale({ uiLocales: "fr", acceptLanguage: "de" }),
    "de",
  );
  assert.equal(
    negotiateLocale({ uiLocales: "fr", acceptLanguage: "fr" }),
    "en",
  );
  assert.equal(negotiateLocale({}, "de"), "de");
  assert.equal(negotiateLocale({ acceptLanguage: "ja" }, "de"), "de");
});

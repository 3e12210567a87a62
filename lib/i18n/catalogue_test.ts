import assert from "node:assert/strict";
import { de } from "./de.ts";
import { en } from "./en.ts";
import { LOCALES } from "./locales.ts";
import { CATALOGUES, placeholdersIn, translate } from "./messages.ts";

/**
 * Keys whose German is rightly the same as the English: product words,
 * placeholders alone.
 */
const SAME_IN_GERMAN = new Set([
  "device.browser",
  "account.nav.apps",
  "security.passkeys",
  "claim.website",
]);

Deno.test("catalogues: every language has every English key and no other", () => {
  const keys = Object.keys(en).sort();
  assert.deepEqual(LOCALES, ["en", "de"]);
  for (const locale of LOCALES) {
    assert.deepEqual(Object.keys(CATALOGUES[locale]).sort(), keys, locale);
  }
});

Deno.test("catalogues: each translation has exactly the English placeholders", () => {
  for (const locale of LOCALES) {
    for (const [key, text] of Object.entries(en)) {
      const translated = (CATALOGUES[locale] as Record<string, string>)[key];
      assert.deepEqual(
        placeholdersIn(translated),
        placeholdersIn(text),
        `${locale} ${key}: "${translated}"`,
      );
    }
  }
});

Deno.test("catalogues: no sentence is empty, and German is not English left in place", () => {
  for (const locale of LOCALES) {
    for (const [key, text] of Object.entries(CATALOGUES[locale])) {
      assert.ok(text.trim().length > 0, `${locale} ${key} is empty`);
      assert.equal(text, text.trim(), `${locale} ${key} has outer spaces`);
    }
  }
  const untranslated = Object.entries(de)
    .filter(([key, text]) =>
      text === en[key as keyof typeof en] && !SAME_IN_GERMAN.has(key)
    ).map(([key]) => key);
  assert.deepEqual(untranslated, []);
});

Deno.test("catalogues: translate fills placeholders and leaves unknown ones", () => {
  assert.equal(
    translate("de", "password.too_short", { min: 8 }),
    "Das Passwort muss mindestens 8 Zeichen lang sein.",
  );
  assert.equal(
    translate("en", "sign_in.to_continue", { client: "<b>x</b>" }),
    "to continue to <b>x</b>",
  );
  assert.equal(
    translate("en", "sign_in.to_continue"),
    "to continue to {client}",
  );
});

import assert from "node:assert/strict";
import { sha256, timingSafeEqual } from "./crypto.ts";

Deno.test("timingSafeEqual: equal strings match, any differing unit does not", () => {
  const digest = sha256("client secret");
  assert.equal(timingSafeEqual(digest, sha256("client secret")), true);
  assert.equal(timingSafeEqual("", ""), true);
  for (let i = 0; i < digest.length; i++) {
    const changed = digest.slice(0, i) +
      (digest[i] === "A" ? "B" : "A") + digest.slice(i + 1);
    assert.equal(timingSafeEqual(digest, changed), false, `unit ${i}`);
  }
});

Deno.test("timingSafeEqual: a prefix, an extension or an empty string does not match", () => {
  assert.equal(timingSafeEqual("abc", "abcd"), false);
  assert.equal(timingSafeEqual("abcd", "abc"), false);
  assert.equal(timingSafeEqual("", "a"), false);
  assert.equal(timingSafeEqual("a", ""), false);
  // A string and itself followed by NUL: charCodeAt past the end is not 0.
  assert.equal(timingSafeEqual("abc", "abc\u0000"), false);
});

Deno.test("timingSafeEqual: strings that UTF-8 would encode alike still differ", () => {
  // Lone surrogates both encode to U+FFFD; the strings are not equal.
  assert.equal(timingSafeEqual("\uD800", "\uD801"), false);
  assert.equal(timingSafeEqual("é", "e\u0301"), false);
  assert.equal(timingSafeEqual("é", "é"), true);
});

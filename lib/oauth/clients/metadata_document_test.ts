import assert from "node:assert/strict";
import { cacheSeconds, isMetadataDocumentURL } from "./metadata_document.ts";
import { hostAllowed, hostMatches } from "./registration_settings.ts";
import { DEFAULT_REGISTRATION_SETTINGS } from "./registration_settings.ts";

Deno.test("isMetadataDocumentURL: https with a path, no fragment, query, credentials or dot segments (draft §3)", () => {
  for (
    const ok of [
      "https://app.example/client.json",
      "https://app.example:8443/oauth/client-metadata.json",
      "https://127.0.0.2:4443/x",
    ]
  ) assert.ok(isMetadataDocumentURL(ok), ok);
  for (
    const no of [
      "http://app.example/client.json",
      "https://app.example/",
      "https://app.example",
      "https://app.example/c.json#f",
      "https://app.example/c.json?x=1",
      "https://user:pw@app.example/c.json",
      "https://app.example/a/../c.json",
      "https://app.example/./c.json",
      "https://APP.example/c.json",
      `https://app.example/${"a".repeat(300)}`,
      "demo-web",
    ]
  ) assert.ok(!isMetadataDocumentURL(no), no);
});

Deno.test("cacheSeconds: max-age, s-maxage, Expires, no-store, clamped to the admin's bounds", () => {
  const bounds = { minCacheSeconds: 300, maxCacheSeconds: 86400 };
  const now = 1_700_000_000;
  const of = (headers: Record<string, string>) =>
    cacheSeconds(new Headers(headers), now, bounds);
  assert.equal(of({ "Cache-Control": "public, max-age=900" }), 900);
  assert.equal(of({ "Cache-Control": "s-maxage=1200" }), 1200);
  assert.equal(of({ "Cache-Control": "max-age=5" }), 300);
  assert.equal(of({ "Cache-Control": "max-age=9999999" }), 86400);
  assert.equal(of({ "Cache-Control": "no-store" }), 300);
  assert.equal(
    of({ Expires: new Date((now + 3600) * 1000).toUTCString() }),
    3600,
  );
  assert.equal(of({}), 300);
});

Deno.test("host lists: exact names and *.subdomains; denied wins; empty allowed means any", () => {
  assert.ok(hostMatches("a.example.com", ["*.example.com"]));
  assert.ok(!hostMatches("example.com", ["*.example.com"]));
  assert.ok(!hostMatches("evilexample.com", ["*.example.com"]));
  assert.ok(hostMatches("App.Example", ["app.example"]));
  const settings = { ...DEFAULT_REGISTRATION_SETTINGS };
  assert.ok(hostAllowed(settings, "any.example"));
  assert.ok(
    !hostAllowed({ ...settings, deniedHosts: ["any.example"] }, "any.example"),
  );
  assert.ok(
    !hostAllowed(
      { ...settings, allowedHosts: ["*.corp.example"] },
      "x.example",
    ),
  );
  assert.ok(
    hostAllowed(
      { ...settings, allowedHosts: ["*.corp.example"] },
      "a.corp.example",
    ),
  );
});

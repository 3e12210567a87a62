import assert from "node:assert/strict";
import {
  AUTH_METHODS,
  checkClientMetadata,
  checkRedirectURI,
  checkResourceIndicator,
  GRANT_TYPES,
  grantAllowedFor,
  redirectAllowedFor,
  redirectURIRegistered,
} from "./vocabulary.ts";

Deno.test("checkRedirectURI: https, loopback http and reverse-DNS private-use schemes (RFC 8252 §7)", () => {
  for (
    const ok of [
      "https://app.example.com/cb",
      "http://localhost:3000/callback",
      "http://127.0.0.1/cb",
      "http://[::1]:8080/cb",
      "com.example.app:/oauth2redirect",
      "com.example.app://callback",
    ]
  ) {
    assert.equal(checkRedirectURI(ok), null, ok);
  }
});

Deno.test("checkRedirectURI: script, local and browser-internal schemes are refused at registration", () => {
  for (
    const bad of [
      "javascript:alert(1)",
      "JavaScript:alert(1)",
      "data:text/html,hi",
      "vbscript:msgbox",
      "file:///etc/passwd",
      "about:blank",
      "blob:https://a.example/x",
      "view-source:https://a.example/",
      "ws://localhost/cb",
    ]
  ) {
    assert.equal(checkRedirectURI(bad), "scheme is not allowed", bad);
  }
  assert.match(checkRedirectURI("myapp:/cb")!, /reverse-DNS/);
  assert.match(checkRedirectURI("http://app.example.com/cb")!, /use https/);
  assert.match(checkRedirectURI("https://a.example/cb#x")!, /fragment/);
  assert.match(checkRedirectURI("https://*.example.com/cb")!, /wildcards/);
  assert.match(checkRedirectURI("/relative")!, /absolute/);
});

Deno.test("redirectURIRegistered: exact strings, except any port on loopback IP literals (RFC 8252 §7.3)", () => {
  const registered = [
    "http://127.0.0.1/cb",
    "http://[::1]:8080/native?x=1",
    "http://localhost:3000/callback",
    "https://app.example.com/cb",
  ];
  const yes = [
    "http://127.0.0.1/cb",
    "http://127.0.0.1:51234/cb",
    "http://[::1]/native?x=1",
    "http://[::1]:49152/native?x=1",
    "http://localhost:3000/callback",
  ];
  const no = [
    "http://127.0.0.1:51234/cb/",
    "http://127.0.0.1:51234/CB",
    "http://127.0.0.1:51234/cb?x=1",
    "http://127.0.0.2:51234/cb",
    "http://[::1]:49152/native",
    "http://localhost:3001/callback",
    "https://app.example.com:8443/cb",
    "http://127.0.0.1.evil.example/cb",
    "http://127.0.0.1:80@evil.example/cb",
  ];
  for (const uri of yes) assert.ok(redirectURIRegistered(registered, uri), uri);
  for (const uri of no) assert.ok(!redirectURIRegistered(registered, uri), uri);
});

Deno.test("client invariants: redirecting grants need a URI, confidential-only grants refuse public clients, public clients keep PKCE", () => {
  assert.deepEqual(
    checkClientMetadata({
      grantTypes: ["authorization_code"],
      authMethod: "none",
      redirectURIs: [],
      requirePKCE: false,
    }).map((i) => i.path),
    ["redirect_uris", "require_pkce"],
  );
  assert.deepEqual(
    checkClientMetadata({
      grantTypes: ["client_credentials"],
      authMethod: "none",
      redirectURIs: [],
    }),
    [{
      path: "grant_types",
      message: "public clients cannot use client_credentials",
    }],
  );
  for (const grant of GRANT_TYPES) {
    assert.equal(grantAllowedFor(grant, "client_secret_basic"), true, grant);
  }
  assert.equal(grantAllowedFor("client_credentials", "none"), false);
});

Deno.test("resource indicators (RFC 8707 §2): absolute, no fragment", () => {
  assert.equal(checkResourceIndicator("https://api.example/mcp"), null);
  assert.equal(checkResourceIndicator("urn:example:api"), null);
  assert.equal(checkResourceIndicator("/relative"), "must be an absolute URI");
  assert.equal(
    checkResourceIndicator("https://api.example/#x"),
    "must not contain a fragment",
  );
});

Deno.test("application_type (OIDC DCR §2) decides the redirect URIs: native loopback or private-use scheme, web https or loopback http", () => {
  const shape = (applicationType: "web" | "native", uri: string) =>
    checkClientMetadata({
      grantTypes: ["authorization_code"],
      authMethod: "none",
      redirectURIs: [uri],
      applicationType,
    }).map((i) => i.path);
  assert.deepEqual(shape("native", "http://127.0.0.1/cb"), []);
  assert.deepEqual(shape("native", "com.example.app:/cb"), []);
  assert.deepEqual(shape("native", "https://app.example/cb"), [
    "redirect_uris",
  ]);
  assert.deepEqual(shape("web", "https://app.example/cb"), []);
  assert.deepEqual(shape("web", "http://localhost:3000/cb"), []);
  assert.deepEqual(shape("web", "com.example.app:/cb"), ["redirect_uris"]);
  assert.equal(redirectAllowedFor("web", "not a uri"), false);
});

Deno.test("the vocabulary is spelt once: no other source file lists grant types or client authentication methods", async () => {
  const words = [...GRANT_TYPES, ...AUTH_METHODS].filter((w) => w !== "none");
  // An array literal naming two or more of the words is a second list.
  const list = new RegExp(
    String.raw`\[[^\[\]]*?"(${words.join("|")})"[^\[\]]*?"(${
      words.join("|")
    })"[^\[\]]*?\]`,
    "s",
  );
  const root = new URL("../../", import.meta.url);
  const offenders: string[] = [];
  for (const dir of ["lib", "routes", "components", "islands"]) {
    for await (const path of sourceFiles(new URL(`${dir}/`, root))) {
      if (
        path.endsWith("lib/oauth/vocabulary.ts") || /_test\.tsx?$/.test(path)
      ) {
        continue;
      }
      if (list.test(await Deno.readTextFile(path))) offenders.push(path);
    }
  }
  assert.deepEqual(offenders, []);
});

async function* sourceFiles(dir: URL): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
    if (entry.isDirectory) yield* sourceFiles(url);
    else if (/\.tsx?$/.test(entry.name)) yield url.pathname;
  }
}

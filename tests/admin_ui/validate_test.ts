/**
 * The islands' as-you-type checks (islands/_shared/validate.ts) agree with
 * the server's rules on the same inputs, so the browser never flags what the
 * server accepts, nor lets through what it refuses.
 * @module
 */
import assert from "node:assert/strict";
import {
  clientIDProblem,
  integerProblem,
  redirectURIProblem,
  scopeNameProblem,
  usernameProblem,
} from "../../islands/_shared/validate.ts";
import {
  PolicyUpdate,
  ScopeName,
  UserCreate,
} from "../../lib/admin/schemas.ts";
import {
  checkRedirectURI,
  ClientMetadata,
} from "../../lib/oauth/client_registry.ts";

const URIS = [
  "https://app.example.com/cb",
  "https://app.example.com/cb?x=1",
  "http://localhost:3000/callback",
  "http://127.0.0.1:8080/cb",
  "http://[::1]:8080/cb",
  "http://app.example.com/cb",
  "https://app.example.com/cb#frag",
  "https://app.example.com/cb#",
  "https://*.example.com/cb",
  "/relative/cb",
  "app.example.com/cb",
  "javascript:alert(1)",
  "data:text/html,hi",
  "com.example.app:/oauth2redirect",
  "",
];

Deno.test("validate: redirect URI checks match the server's word for word", () => {
  for (const uri of URIS) {
    assert.equal(redirectURIProblem(uri), checkRedirectURI(uri), uri);
  }
});

Deno.test("validate: scope names, client ids, usernames and lifetimes agree with the schemas", () => {
  for (
    const name of [
      "files.read",
      "a",
      "files read",
      'say"hi',
      "back\\slash",
      "x".repeat(101),
      "",
      "ünï",
    ]
  ) {
    assert.equal(
      scopeNameProblem(name) === null,
      ScopeName.safeParse(name).success,
      name,
    );
  }
  for (
    const id of [
      "my-app",
      "a.b_c~d",
      "has space",
      "slash/es",
      "",
      "x".repeat(101),
    ]
  ) {
    assert.equal(
      clientIDProblem(id) === null,
      ClientMetadata.safeParse({
        client_id: id,
        redirect_uris: ["https://a.example/cb"],
      }).success,
      id,
    );
  }
  for (const username of ["alice", "Alice.B", "a b", "tab\there", ""]) {
    assert.equal(
      usernameProblem(username) === null,
      UserCreate.safeParse({ username, password: "long enough" }).success,
      username,
    );
  }
  for (
    const n of ["59", "60", "3600", "86400", "86401", "1.5", "-1", "abc", ""]
  ) {
    const server = PolicyUpdate.safeParse({
      access_token_lifetime: /^-?\d+(\.\d+)?$/.test(n) ? Number(n) : n,
    }).success;
    assert.equal(integerProblem(n, 60, 86400) === null, server, n);
  }
});

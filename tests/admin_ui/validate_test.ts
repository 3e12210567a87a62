/**
 * The islands' as-you-type checks (lib/admin/forms/checks.ts) agree with
 * the server's rules on the same inputs, so the browser never flags what the
 * server accepts, nor lets through what it refuses.
 * @module
 */
import assert from "node:assert/strict";
import {
  clientIDProblem,
  integerProblem,
  scopeNameProblem,
  uriListProblem,
  usernameProblem,
} from "../../lib/admin/forms/checks.ts";
import {
  PolicyUpdate,
  ScopeName,
  URIList,
  UserCreate,
} from "../../lib/admin/schemas.ts";
import { ClientMetadata } from "../../lib/oauth/clients/metadata.ts";

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
    const server = URIList.safeParse(uri);
    const registry = ClientMetadata.safeParse({
      grant_types: "client_credentials",
      post_logout_redirect_uris: uri,
    });
    assert.equal(registry.success, server.success, uri);
    assert.equal(
      uriListProblem(uri),
      server.success ? null : server.error.issues[0].message,
      uri,
    );
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

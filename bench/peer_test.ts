import assert from "node:assert/strict";
import { parsePeer, PEER_UNSUPPORTED } from "./peer.ts";
import { SCENARIOS } from "./scenarios.ts";

Deno.test("parsePeer: oidc-provider, none when absent, an error naming the choices", () => {
  assert.equal(parsePeer("oidc-provider"), "oidc-provider");
  assert.equal(parsePeer(undefined), null);
  assert.throws(
    () => parsePeer("keycloak"),
    /--peer must be oidc-provider, not keycloak/,
  );
});

Deno.test("PEER_UNSUPPORTED: only scenarios that exist, each with a reason", () => {
  const names = new Set(SCENARIOS.map((s) => s.name));
  for (const [name, reason] of Object.entries(PEER_UNSUPPORTED)) {
    assert.ok(names.has(name as never), `${name} is no scenario`);
    assert.ok(reason && reason.length > 20, `${name} has no reason`);
  }
  // Every hot path of the issue runs on the peer.
  for (
    const name of [
      "discovery",
      "jwks",
      "userinfo",
      "introspection",
      "client_credentials",
      "refresh",
      "code_flow",
    ] as const
  ) {
    assert.equal(PEER_UNSUPPORTED[name], undefined, name);
  }
});

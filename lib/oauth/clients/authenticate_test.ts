import assert from "node:assert/strict";
import { clientObject } from "../../../tests/helpers/clients.ts";
import { startTestApp } from "../../../tests/helpers/test_app.ts";
import { sha256 } from "../../security/crypto.ts";
import { OAuthError } from "../errors.ts";
import {
  authenticateClient,
  METHODS,
  readClientCredentials,
} from "./authenticate.ts";
import type { Client } from "./client.ts";
import { ClientMetadata } from "./metadata.ts";
import { registerClient } from "./registry.ts";

/** RFC 6749 §2.3.1: each part form-urlencoded, then base64. */
function basic(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${btoa(`${enc(id)}:${enc(secret)}`)}`;
}

function form(fields: Record<string, string>): URLSearchParams {
  return new URLSearchParams(fields);
}

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (err) {
    if (err instanceof OAuthError) return err.code;
    throw err;
  }
}

const confidential: Client = clientObject({
  id: "svc",
  name: "svc",
  secretHash: sha256("s3cret"),
  redirectURIs: [],
  grantTypes: ["client_credentials"],
  authMethod: "client_secret_basic",
  isPublic: false,
});
const publicClient: Client = {
  ...confidential,
  id: "spa",
  secretHash: null,
  authMethod: "none",
  isPublic: true,
};

Deno.test("client_secret_basic: read with RFC 6749 §2.3.1 form-decoding of id and secret", () => {
  assert.deepEqual(
    readClientCredentials(basic("my app", "a+b:c%d"), form({})),
    { clientID: "my app", secret: "a+b:c%d", method: "client_secret_basic" },
  );
  assert.equal(
    codeOf(() => readClientCredentials("Basic !!!", form({}))),
    "invalid_client",
  );
  assert.equal(
    codeOf(() => readClientCredentials(`Basic ${btoa("no-colon")}`, form({}))),
    "invalid_client",
  );
});

Deno.test("client_secret_basic: a different client_id in the body, or a body secret too, is refused", () => {
  assert.equal(
    codeOf(() =>
      readClientCredentials(basic("svc", "x"), form({ client_id: "other" }))
    ),
    "invalid_request",
  );
  assert.equal(
    codeOf(() =>
      readClientCredentials(basic("svc", "x"), form({ client_secret: "x" }))
    ),
    "invalid_request",
  );
});

Deno.test("client_secret_post: id and secret from the form body", () => {
  assert.deepEqual(
    readClientCredentials(null, form({ client_id: "svc", client_secret: "s" })),
    { clientID: "svc", secret: "s", method: "client_secret_post" },
  );
});

Deno.test("none: client_id alone; no client_id at all is invalid_client", () => {
  assert.deepEqual(readClientCredentials(null, form({ client_id: "spa" })), {
    clientID: "spa",
    secret: null,
    method: "none",
  });
  assert.equal(
    codeOf(() => readClientCredentials(null, form({}))),
    "invalid_client",
  );
});

Deno.test("verifiers: secrets match by digest; none proves only a public client without a secret", () => {
  const presented = (
    method: "none" | "client_secret_basic",
    secret: string | null,
  ) => ({
    clientID: "x",
    method,
    secret,
  });
  assert.equal(
    METHODS.client_secret_basic(
      confidential,
      presented("client_secret_basic", "s3cret"),
    ),
    true,
  );
  assert.equal(
    METHODS.client_secret_post(
      confidential,
      presented("client_secret_basic", "s3cret "),
    ),
    false,
  );
  assert.equal(
    METHODS.client_secret_basic(
      publicClient,
      presented("client_secret_basic", ""),
    ),
    false,
  );
  assert.equal(METHODS.none(publicClient, presented("none", null)), true);
  assert.equal(METHODS.none(confidential, presented("none", null)), false);
});

Deno.test("authenticateClient: a confidential client must use its registered method; a public one may not send a secret", async () => {
  const t = await startTestApp();
  try {
    const svc = await registerClient(
      t.deps.db,
      ClientMetadata.parse({
        client_id: "svc",
        grant_types: ["client_credentials"],
        token_endpoint_auth_method: "client_secret_basic",
      }),
      t.deps.now(),
    );
    await registerClient(
      t.deps.db,
      ClientMetadata.parse({
        client_id: "spa",
        redirect_uris: ["https://app.example/cb"],
        token_endpoint_auth_method: "none",
      }),
      t.deps.now(),
    );
    const secret = svc.client_secret!;
    const auth = async (
      authorization: string | null,
      fields: Record<string, string>,
    ) => {
      try {
        return (await authenticateClient(
          t.deps,
          authorization,
          form(fields),
          "127.0.0.1",
        )).id;
      } catch (err) {
        if (err instanceof OAuthError) return `${err.code}: ${err.description}`;
        throw err;
      }
    };
    assert.equal(await auth(basic("svc", secret), {}), "svc");
    assert.equal(
      await auth(null, { client_id: "svc", client_secret: secret }),
      "invalid_client: client must authenticate with client_secret_basic",
    );
    assert.equal(
      await auth(basic("svc", "wrong"), {}),
      "invalid_client: client authentication failed",
    );
    assert.equal(await auth(null, { client_id: "spa" }), "spa");
    assert.equal(
      await auth(null, { client_id: "spa", client_secret: "anything" }),
      "invalid_client: client authentication failed",
    );
    assert.equal(
      await auth(null, { client_id: "nobody" }),
      "invalid_client: client authentication failed",
    );
  } finally {
    await t.close();
  }
});

import assert from "node:assert/strict";
import type { Deps } from "../../deps.ts";
import { clientObject } from "../../../tests/helpers/clients.ts";
import { startTestApp } from "../../../tests/helpers/test_app.ts";
import type { Client } from "../clients/client.ts";
import { ClientMetadata } from "../clients/metadata.ts";
import { registerClient } from "../clients/registry.ts";
import { OAuthError } from "../errors.ts";
import {
  AUTHORIZE_CHECKS,
  type AuthorizeCheck,
  type AuthorizeContext,
  checkAuthorizationRequest,
  checkClient,
  checkMaxAge,
  checkMethodWithoutChallenge,
  checkNoRequestObject,
  checkParamsOnce,
  checkPKCE,
  checkPrompt,
  checkRedirectURI,
  checkResource,
  checkResponseMode,
  checkResponseType,
  checkScope,
  checkState,
  checkTargetParamsOnce,
  newAuthorizeContext,
} from "./checks.ts";

const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

const client = clientObject;

/** A context for `query`, as if the checks before this one had passed. */
function ctx(
  query: string,
  options: { client?: Client; deps?: Deps } = {},
): AuthorizeContext {
  const c = newAuthorizeContext(
    options.deps ?? ({ config: { registration: "off" } } as unknown as Deps),
    new URLSearchParams(query),
  );
  c.client = options.client ?? client();
  return c;
}

/** The error a check throws: its code and whether it may redirect. */
async function refusal(
  check: AuthorizeCheck,
  c: AuthorizeContext,
): Promise<{ code: string; redirectable: boolean } | null> {
  try {
    await check(c);
    return null;
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    return { code: err.code, redirectable: err.redirectable };
  }
}

const PAGE = { code: "invalid_request", redirectable: false };
const REDIRECT = { code: "invalid_request", redirectable: true };

Deno.test("checkMethodWithoutChallenge: a method without a challenge is a page, not a redirect (seed rule)", async () => {
  assert.deepEqual(
    await refusal(
      checkMethodWithoutChallenge,
      ctx("code_challenge_method=S256"),
    ),
    PAGE,
  );
  assert.equal(
    await refusal(
      checkMethodWithoutChallenge,
      ctx(`code_challenge_method=S256&code_challenge=${CHALLENGE}`),
    ),
    null,
  );
});

Deno.test("checkTargetParamsOnce: a repeated or oversized client_id/redirect_uri is a page", async () => {
  assert.deepEqual(
    await refusal(checkTargetParamsOnce, ctx("client_id=a&client_id=b")),
    PAGE,
  );
  assert.deepEqual(
    await refusal(
      checkTargetParamsOnce,
      ctx(`redirect_uri=${"x".repeat(2049)}`),
    ),
    PAGE,
  );
  assert.deepEqual(
    await refusal(checkTargetParamsOnce, ctx("redirect_uri=a%00b")),
    PAGE,
  );
  assert.equal(await refusal(checkTargetParamsOnce, ctx("client_id=a")), null);
});

Deno.test("checkClient: a missing or unknown client is a page; a registered one is loaded", async () => {
  const t = await startTestApp();
  try {
    await registerClient(
      t.deps.db,
      ClientMetadata.parse({
        client_id: "known",
        redirect_uris: ["https://app.example/cb"],
        token_endpoint_auth_method: "none",
      }),
      t.deps.now(),
    );
    const missing = newAuthorizeContext(t.deps, new URLSearchParams());
    assert.deepEqual(await refusal(checkClient, missing), PAGE);
    const unknown = newAuthorizeContext(
      t.deps,
      new URLSearchParams("client_id=nobody"),
    );
    assert.deepEqual(await refusal(checkClient, unknown), PAGE);
    const known = newAuthorizeContext(
      t.deps,
      new URLSearchParams("client_id=known"),
    );
    assert.equal(await refusal(checkClient, known), null);
    assert.equal(known.client?.id, "known");
  } finally {
    await t.close();
  }
});

Deno.test("checkRedirectURI: exact match only; omitted only for a single URI outside OIDC", async () => {
  const exact = ctx("redirect_uri=https://app.example/cb");
  assert.equal(await refusal(checkRedirectURI, exact), null);
  assert.equal(exact.redirectURI, "https://app.example/cb");
  for (
    const near of [
      "https://app.example/cb/",
      "https://app.example/cb?x=1",
      "https://APP.example/cb",
    ]
  ) {
    assert.deepEqual(
      await refusal(
        checkRedirectURI,
        ctx(`redirect_uri=${encodeURIComponent(near)}`),
      ),
      PAGE,
      near,
    );
  }
  const implied = ctx("scope=profile");
  assert.equal(await refusal(checkRedirectURI, implied), null);
  assert.equal(implied.redirectURI, "https://app.example/cb");
  assert.deepEqual(await refusal(checkRedirectURI, ctx("scope=openid")), PAGE);
  const two = client({
    redirectURIs: ["https://app.example/cb", "https://app.example/two"],
  });
  assert.deepEqual(
    await refusal(checkRedirectURI, ctx("scope=profile", { client: two })),
    PAGE,
  );
});

Deno.test("checkState: kept when usable; one too long or with a NUL is a page", async () => {
  const ok = ctx("state=xyz");
  assert.equal(await refusal(checkState, ok), null);
  assert.equal(ok.state, "xyz");
  assert.deepEqual(
    await refusal(checkState, ctx(`state=${"s".repeat(2049)}`)),
    PAGE,
  );
  assert.deepEqual(await refusal(checkState, ctx("state=a%00")), PAGE);
});

Deno.test("checkParamsOnce: a repeated or oversized parameter redirects as invalid_request", async () => {
  assert.deepEqual(
    await refusal(checkParamsOnce, ctx("scope=a&scope=b")),
    REDIRECT,
  );
  assert.deepEqual(
    await refusal(checkParamsOnce, ctx(`nonce=${"n".repeat(2049)}`)),
    REDIRECT,
  );
  assert.equal(await refusal(checkParamsOnce, ctx("scope=a&nonce=b")), null);
});

Deno.test("checkResponseMode: query (default) and form_post to a web redirect; anything else is refused", async () => {
  const post = ctx("response_mode=form_post");
  post.redirectURI = "https://app.example/cb";
  assert.equal(await refusal(checkResponseMode, post), null);
  assert.equal(post.responseMode, "form_post");
  const none = ctx("");
  assert.equal(await refusal(checkResponseMode, none), null);
  assert.equal(none.responseMode, "query");
  assert.deepEqual(
    await refusal(checkResponseMode, ctx("response_mode=fragment")),
    REDIRECT,
  );
  const native = ctx("response_mode=form_post");
  native.redirectURI = "com.example.app:/cb";
  assert.deepEqual(await refusal(checkResponseMode, native), REDIRECT);
  assert.equal(native.responseMode, "query");
});

Deno.test("checkResponseType: code only, and only for clients allowed the code flow", async () => {
  assert.equal(
    await refusal(checkResponseType, ctx("response_type=code")),
    null,
  );
  assert.deepEqual(await refusal(checkResponseType, ctx("")), REDIRECT);
  assert.equal(
    (await refusal(checkResponseType, ctx("response_type=token")))?.code,
    "unsupported_response_type",
  );
  const machine = client({ grantTypes: ["client_credentials"] });
  assert.equal(
    (await refusal(
      checkResponseType,
      ctx("response_type=code", { client: machine }),
    ))?.code,
    "unauthorized_client",
  );
});

Deno.test("checkNoRequestObject: request and request_uri are refused with their own codes", async () => {
  assert.equal(
    (await refusal(checkNoRequestObject, ctx("request=eyJ")))?.code,
    "request_not_supported",
  );
  assert.equal(
    (await refusal(checkNoRequestObject, ctx("request_uri=urn:x")))?.code,
    "request_uri_not_supported",
  );
  assert.equal(await refusal(checkNoRequestObject, ctx("scope=openid")), null);
});

Deno.test("checkScope: defaults, the client's policy and the scopes table decide", async () => {
  const t = await startTestApp();
  try {
    const defaulted = ctx("", { deps: t.deps });
    assert.equal(await refusal(checkScope, defaulted), null);
    assert.deepEqual(defaulted.scopes, ["openid"]);
    const deduped = ctx("scope=openid%20profile%20openid", { deps: t.deps });
    assert.equal(await refusal(checkScope, deduped), null);
    assert.deepEqual(deduped.scopes, ["openid", "profile"]);
    assert.equal(
      (await refusal(checkScope, ctx("scope=email", { deps: t.deps })))?.code,
      "invalid_scope",
    );
    const unknownAllowed = client({
      policy: { ...client().policy, allowedScopes: ["openid", "ghost"] },
    });
    assert.equal(
      (await refusal(
        checkScope,
        ctx("scope=ghost", { deps: t.deps, client: unknownAllowed }),
      ))?.code,
      "invalid_scope",
    );
    const noDefaults = client({
      policy: { ...client().policy, defaultScopes: [] },
    });
    assert.equal(
      (await refusal(checkScope, ctx("", { deps: t.deps, client: noDefaults })))
        ?.code,
      "invalid_scope",
    );
  } finally {
    await t.close();
  }
});

Deno.test("checkPKCE: public clients need an S256 challenge; a confidential one without policy may omit it", async () => {
  assert.deepEqual(await refusal(checkPKCE, ctx("")), REDIRECT);
  const given = ctx(`code_challenge=${CHALLENGE}&code_challenge_method=S256`);
  assert.equal(await refusal(checkPKCE, given), null);
  assert.equal(given.codeChallenge, CHALLENGE);
  assert.deepEqual(
    await refusal(
      checkPKCE,
      ctx(`code_challenge=${CHALLENGE}&code_challenge_method=plain`),
    ),
    REDIRECT,
  );
  const confidential = client({
    isPublic: false,
    authMethod: "client_secret_basic",
    policy: { ...client().policy, requirePKCE: false },
  });
  const without = ctx("", { client: confidential });
  assert.equal(await refusal(checkPKCE, without), null);
  assert.equal(without.codeChallenge, null);
});

Deno.test("checkPrompt: known values only; none stands alone", async () => {
  const login = ctx("prompt=login%20consent");
  assert.equal(await refusal(checkPrompt, login), null);
  assert.deepEqual([...login.prompt], ["login", "consent"]);
  assert.deepEqual(
    await refusal(checkPrompt, ctx("prompt=none%20login")),
    REDIRECT,
  );
  assert.deepEqual(
    await refusal(checkPrompt, ctx("prompt=create_account")),
    REDIRECT,
  );
});

Deno.test("checkPrompt: create only while registration is on (Initiating User Registration §4.1)", async () => {
  const withRegistration = (registration: string) =>
    ({ config: { registration } }) as unknown as Deps;
  assert.deepEqual(
    await refusal(checkPrompt, ctx("prompt=create")),
    REDIRECT,
  );
  for (const mode of ["open", "invite"]) {
    const c = ctx("prompt=create", { deps: withRegistration(mode) });
    assert.equal(await refusal(checkPrompt, c), null);
    assert.deepEqual([...c.prompt], ["create"]);
  }
  assert.deepEqual(
    await refusal(
      checkPrompt,
      ctx("prompt=none%20create", { deps: withRegistration("open") }),
    ),
    REDIRECT,
  );
});

Deno.test("checkMaxAge: a non-negative whole number of seconds", async () => {
  const zero = ctx("max_age=0");
  assert.equal(await refusal(checkMaxAge, zero), null);
  assert.equal(zero.maxAge, 0);
  for (const bad of ["-1", "1.5", "abc", "12345678901"]) {
    assert.deepEqual(
      await refusal(checkMaxAge, ctx(`max_age=${bad}`)),
      REDIRECT,
      bad,
    );
  }
});

Deno.test("checkAuthorizationRequest: an error redirects only when it may and redirect_uri was verified first", async () => {
  const t = await startTestApp();
  try {
    await registerClient(
      t.deps.db,
      ClientMetadata.parse({
        client_id: "spa",
        redirect_uris: ["https://app.example/cb"],
        token_endpoint_auth_method: "none",
      }),
      t.deps.now(),
    );
    const run = (query: string) =>
      checkAuthorizationRequest(
        t.deps,
        new URLSearchParams(query),
        AUTHORIZE_CHECKS,
      );
    const early = await run("client_id=nobody&response_type=token");
    assert.equal(early.ok, false);
    assert.equal(!early.ok && early.target, null);
    const late = await run(
      "client_id=spa&redirect_uri=https://app.example/cb&state=s1" +
        "&response_mode=form_post&response_type=token",
    );
    assert.ok(!late.ok);
    assert.equal(late.error.code, "unsupported_response_type");
    assert.deepEqual(late.target, {
      redirectURI: "https://app.example/cb",
      responseMode: "form_post",
      state: "s1",
    });
    const good = await run(
      "client_id=spa&redirect_uri=https://app.example/cb&response_type=code" +
        `&scope=openid&code_challenge=${CHALLENGE}&code_challenge_method=S256`,
    );
    assert.ok(good.ok);
    assert.deepEqual(good.request.scopes, ["openid"]);
    assert.equal(good.request.params.redirect_uri, "https://app.example/cb");
  } finally {
    await t.close();
  }
});

Deno.test("checkResource: repeated or space-separated resources are each checked (RFC 8707); unknown ones are invalid_target and redirect; none named takes the client's default", async () => {
  const t = await startTestApp();
  try {
    const { createResource } = await import(
      "../../admin/resources_admin.ts"
    );
    const who = { actor: "test", ip: null };
    await createResource(t.deps, who, {
      identifier: "https://a.example/api",
      name: "A",
      scopes: ["a:read"],
    });
    await createResource(t.deps, who, {
      identifier: "https://b.example/api",
      name: "B",
      scopes: ["b:read"],
    });
    const both = ctx(
      "resource=https://a.example/api&resource=https://b.example/api",
      { deps: t.deps },
    );
    both.scopes = ["a:read", "b:read"];
    assert.equal(await refusal(checkResource, both), null);
    assert.deepEqual(both.resources.map((r) => r.name), ["A", "B"]);
    const joined = ctx(
      `resource=${
        encodeURIComponent("https://a.example/api https://b.example/api")
      }`,
      { deps: t.deps },
    );
    assert.equal(await refusal(checkResource, joined), null);
    assert.equal(joined.resources.length, 2);
    assert.deepEqual(
      await refusal(
        checkResource,
        ctx("resource=https://c.example/api", { deps: t.deps }),
      ),
      { code: "invalid_target", redirectable: true },
    );
    const foreign = ctx("resource=https://a.example/api", { deps: t.deps });
    foreign.scopes = ["b:read"];
    assert.deepEqual(await refusal(checkResource, foreign), {
      code: "invalid_scope",
      redirectable: true,
    });
    const fallback = ctx("", {
      deps: t.deps,
      client: client({
        policy: {
          ...client().policy,
          defaultResource: "https://b.example/api",
        },
      }),
    });
    assert.equal(await refusal(checkResource, fallback), null);
    assert.deepEqual(fallback.resources.map((r) => r.name), ["B"]);
    const none = ctx("", { deps: t.deps });
    assert.equal(await refusal(checkResource, none), null);
    assert.deepEqual(
      none.resources,
      [],
      "no default: the client is the audience",
    );
    // The once-only rule does not apply to resource.
    assert.equal(
      await refusal(
        checkParamsOnce,
        ctx("resource=https://a.example/api&resource=https://b.example/api"),
      ),
      null,
    );
  } finally {
    await t.close();
  }
});

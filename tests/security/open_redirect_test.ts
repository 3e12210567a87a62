/**
 * Open redirects (RFC 9700 §4.1, §4.11; RFC 6749 §10.15; RP-Initiated
 * Logout 1.0 §3): /authorize never redirects to a redirect_uri that is not
 * registered byte for byte, /end_session and /logout never to an
 * unregistered post-logout URI, and no endpoint builds a Location from any
 * other input.
 * @module
 */
import assert from "node:assert/strict";
import { generatePKCE } from "../../lib/oauth/pkce.ts";
import { DEMO_REDIRECT, demoTokens } from "../helpers/oauth.ts";
import { addClient } from "../helpers/clients.ts";
import type { TestApp } from "../helpers/test_app.ts";
import { manifest } from "../../routes.gen.ts";
import { routePath } from "../../lib/http/router.tsx";
import { fetchFrom, startSecurityApp } from "./fixture.ts";

const EVIL = "evil.example";

/** Near misses of the registered `http://localhost:3000/callback`. */
const NEAR_MISSES = [
  "https://evil.example/callback",
  "http://localhost:3000/callback/",
  "http://localhost:3000/callback?next=https://evil.example",
  "http://localhost:3000/callback#https://evil.example",
  "http://localhost:3000/Callback",
  "HTTP://localhost:3000/callback",
  "http://LOCALHOST:3000/callback",
  "http://localhost:3000/callback/../../evil",
  "http://localhost:3000/callback%2F..%2F..%2Fevil",
  "http://localhost:3000@evil.example/callback",
  "http://evil.example\\@localhost:3000/callback",
  "http://evil.example#@localhost:3000/callback",
  "http://localhost:3000.evil.example/callback",
  "http://localhost:3001/callback",
  "http://127.0.0.1:3000/callback",
  "http://[::1]:3000/callback",
  "//evil.example/callback",
  "/callback",
  "callback",
  "javascript:alert(1)//http://localhost:3000/callback",
  "data:text/html,<script>alert(1)</script>",
  " http://localhost:3000/callback",
  "http://localhost:3000/callback%00",
  "http://localhost:3000/callback\t",
  "http://localhost:3000/callback%20",
  "http://localhost:3000/callback?",
  "http://localhost:3000/callback;evil.example",
  "https://localhost:3000/callback",
  "http://localhost:3000/callback" + "/x".repeat(2000),
];

/** Every Location must be ours (a fixed page) or a registered URI. */
function assertNoForeignLocation(res: Response, what: string): void {
  const location = res.headers.get("Location");
  if (location === null) return;
  assert.ok(!location.includes(EVIL), `${what}: Location ${location}`);
}

async function authorizeGET(
  t: TestApp,
  params: Record<string, string>,
): Promise<Response> {
  return await t.fetch(`/authorize?${new URLSearchParams(params)}`, {
    headers: { Accept: "text/html" },
    redirect: "manual",
  });
}

function demoAuthorize(extra: Record<string, string>): Record<string, string> {
  const pkce = generatePKCE();
  return {
    client_id: "demo-web",
    response_type: "code",
    scope: "openid",
    code_challenge: pkce.code_challenge,
    code_challenge_method: "S256",
    state: "s",
    ...extra,
  };
}

Deno.test("open redirect: /authorize shows every unregistered redirect_uri an error page, whatever else is wrong with the request", async () => {
  const { t } = await startSecurityApp();
  try {
    // Errors that would be redirected to a verified URI must not be sent to
    // an unverified one either.
    const aggravations: Record<string, string>[] = [
      {},
      { response_type: "token" },
      { scope: "nope" },
      { prompt: "none" },
      { response_mode: "form_post" },
      { code_challenge_method: "plain" },
      { request: "x" },
    ];
    for (const uri of NEAR_MISSES) {
      for (const extra of aggravations) {
        const res = await authorizeGET(
          t,
          demoAuthorize({ redirect_uri: uri, ...extra }),
        );
        const what = `${JSON.stringify(uri)} ${JSON.stringify(extra)}`;
        assert.equal(res.status, 400, what);
        assert.equal(res.headers.get("Location"), null, what);
        const html = await res.text();
        assert.match(html, /^<!DOCTYPE html>/, what);
        // A form_post page would be a redirect too: no form may target it.
        assert.doesNotMatch(html, /<form[^>]*action="(?!\/)/, what);
      }
    }
  } finally {
    await t.close();
  }
});

Deno.test("open redirect: an unknown client, a repeated redirect_uri or a missing one is never redirected", async () => {
  const { t } = await startSecurityApp();
  try {
    const cases: [string, string][] = [
      [
        "unknown client",
        new URLSearchParams({
          client_id: "nope",
          response_type: "code",
          redirect_uri: "https://evil.example/cb",
        }).toString(),
      ],
      [
        "two redirect_uris",
        new URLSearchParams([
          ["client_id", "demo-web"],
          ["response_type", "code"],
          ["redirect_uri", DEMO_REDIRECT],
          ["redirect_uri", "https://evil.example/cb"],
        ]).toString(),
      ],
      [
        "two client_ids",
        new URLSearchParams([
          ["client_id", "demo-web"],
          ["client_id", "evil"],
          ["response_type", "code"],
          ["redirect_uri", DEMO_REDIRECT],
        ]).toString(),
      ],
      [
        "openid without redirect_uri",
        new URLSearchParams({
          client_id: "demo-web",
          response_type: "code",
          scope: "openid",
        }).toString(),
      ],
    ];
    for (const [what, query] of cases) {
      for (const method of ["GET", "POST"]) {
        const res = method === "GET"
          ? await t.fetch(`/authorize?${query}`, {
            headers: { Accept: "text/html" },
            redirect: "manual",
          })
          : await t.fetch("/authorize", {
            method: "POST",
            headers: {
              Accept: "text/html",
              "Content-Type": "application/x-www-form-urlencoded",
            },
            body: query,
            redirect: "manual",
          });
        assert.equal(res.status, 400, `${method} ${what}`);
        assert.equal(res.headers.get("Location"), null, `${method} ${what}`);
        await res.body?.cancel();
      }
    }
  } finally {
    await t.close();
  }
});

Deno.test("open redirect: errors after the redirect_uri is verified go to exactly the registered URI, with iss", async () => {
  const { t } = await startSecurityApp();
  try {
    await addClient(t, {
      client_id: "with-query",
      redirect_uris: ["https://rp.example.com/cb?tenant=7"],
      token_endpoint_auth_method: "client_secret_basic",
    });
    for (
      const [client, uri] of [
        ["demo-web", DEMO_REDIRECT],
        ["with-query", "https://rp.example.com/cb?tenant=7"],
      ]
    ) {
      const res = await authorizeGET(
        t,
        demoAuthorize({
          client_id: client,
          redirect_uri: uri,
          response_type: "token",
        }),
      );
      assert.equal(res.status, 302);
      const location = res.headers.get("Location")!;
      const sep = uri.includes("?") ? "&" : "?";
      assert.ok(location.startsWith(uri + sep), location);
      const url = new URL(location);
      assert.equal(url.searchParams.get("error"), "unsupported_response_type");
      assert.equal(url.searchParams.get("iss"), t.base);
      // RFC 9700 §4.2.4: the client's page must not leak the code onward.
      assert.equal(res.headers.get("Referrer-Policy"), "no-referrer");
    }
  } finally {
    await t.close();
  }
});

Deno.test("open redirect: /end_session and /logout never redirect to an unregistered post_logout_redirect_uri", async () => {
  const { t } = await startSecurityApp();
  try {
    const tokens = await demoTokens(t);
    const hint = tokens.id_token as string;
    const registered = "http://localhost:3000/";
    const misses = [
      "https://evil.example/",
      "http://localhost:3000",
      "http://localhost:3000/?next=https://evil.example",
      "http://localhost:3000//evil.example",
      "http://localhost:3000/@evil.example",
      "http://localhost:3000@evil.example/",
      "HTTP://LOCALHOST:3000/",
      "//evil.example/",
      "/",
      DEMO_REDIRECT, // a redirect URI, not a post-logout URI
      registered + "x".repeat(3000),
    ];
    for (const path of ["/end_session", "/logout"]) {
      for (const uri of misses) {
        for (
          const identify of [
            { client_id: "demo-web" },
            { id_token_hint: hint },
            {},
          ] as Record<string, string>[]
        ) {
          const query = new URLSearchParams({
            ...identify,
            post_logout_redirect_uri: uri,
            state: "s",
          });
          const res = await t.fetch(`${path}?${query}`, {
            headers: { Accept: "text/html" },
            redirect: "manual",
          });
          const what = `${path} ${uri.slice(0, 60)} ${Object.keys(identify)}`;
          assert.equal(res.status, 400, what);
          assert.equal(res.headers.get("Location"), null, what);
          await res.body?.cancel();
        }
      }
    }
    // A registered URI is followed only when the request names its client
    // (RP-Initiated Logout 1.0 §2), and then exactly.
    const ok = await t.fetch(
      `/end_session?${new URLSearchParams({
        client_id: "demo-web",
        post_logout_redirect_uri: registered,
        state: "s",
      })}`,
      { redirect: "manual" },
    );
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.get("Location"), `${registered}?state=s`);
    const anonymous = await t.fetch(
      `/end_session?${new URLSearchParams({
        post_logout_redirect_uri: registered,
      })}`,
      { headers: { Accept: "text/html" }, redirect: "manual" },
    );
    assert.equal(anonymous.headers.get("Location"), null);
    await anonymous.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("open redirect: no endpoint builds a Location from any other parameter or header", async () => {
  const { t, adminToken } = await startSecurityApp();
  try {
    const evilURL = `https://${EVIL}/x`;
    const names = [
      "next",
      "return_to",
      "returnTo",
      "redirect",
      "redirect_url",
      "url",
      "continue",
      "callback",
      "target",
      "goto",
      "destination",
      "post_login_redirect_uri",
      "redirect_uri",
      "post_logout_redirect_uri",
    ];
    const query = new URLSearchParams(names.map((n) => [n, evilURL]));
    const headers = {
      Accept: "text/html",
      Referer: evilURL,
      "X-Forwarded-Host": EVIL,
      "X-Forwarded-Proto": "https",
      "X-Original-URL": "/evil",
      Forwarded: `host=${EVIL}`,
    };
    // Every route of the manifest, parameters filled with something real.
    const paths = Object.keys(manifest.routes)
      .filter((f) => !f.includes("_middleware"))
      .map((f) =>
        routePath(f).replace(
          /:[a-z_]+/g,
          (p) =>
            p === ":client_id" ? "demo-web" : p === ":name" ? "openid" : "x",
        )
      );
    for (const path of [...new Set(paths), "/", "/nowhere"]) {
      const auths: Record<string, string>[] = [{}, {
        "X-Admin-Token": adminToken,
      }];
      for (const auth of auths) {
        const res = await fetchFrom(t, "192.0.2.1", `${path}?${query}`, {
          headers: { ...headers, ...auth },
        });
        assertNoForeignLocation(res, `GET ${path}`);
        await res.body?.cancel();
        const post = await fetchFrom(t, "192.0.2.1", path, {
          method: "POST",
          headers: {
            ...headers,
            ...auth,
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body: query,
        });
        assertNoForeignLocation(post, `POST ${path}`);
        await post.body?.cancel();
      }
    }
  } finally {
    await t.close();
  }
});

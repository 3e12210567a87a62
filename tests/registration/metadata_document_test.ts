/**
 * Client ID Metadata Documents, against a real https server on 127.0.0.2
 * (the test CA of tests/fixtures/tls): refused without the development
 * setting (loopback is never fetched by default), fetched with it; the
 * document's client_id must be its URL, redirect URIs match exactly, it is
 * cached by its caching headers within the admin's bounds, the consent
 * page shows its host, and the admin can turn the feature off, deny its
 * host, or block the fetched client.
 */
import assert from "node:assert/strict";
import { startAdminApp } from "../admin/admin_fixture.ts";
import { generatePKCE } from "../../lib/oauth/pkce.ts";
import { runAuthorize, tokenRequest } from "../helpers/oauth.ts";
import { serveTLS, TEST_CA_FILE } from "../helpers/tls_server.ts";
import type { TestApp } from "../helpers/test_app.ts";

const CALLBACK = "http://127.0.0.1:7777/callback";

interface DocServer {
  url: string;
  hits: string[];
  set(doc: Record<string, unknown>, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

function docServer(): DocServer {
  let document: Record<string, unknown> = {};
  let extra: Record<string, string> = {};
  let status = 200;
  const server = serveTLS((req) => {
    if (new URL(req.url).pathname === "/redirected.json") {
      return new Response(null, {
        status: 302,
        headers: { Location: "/client.json" },
      });
    }
    return Response.json(document, {
      status,
      headers: { "Cache-Control": "max-age=600", ...extra },
    });
  });
  const url = `${server.origin}/client.json`;
  return {
    url,
    hits: server.hits,
    set(doc, headers = {}) {
      document = doc;
      extra = headers;
      status = 200;
    },
    close: () => server.close(),
  };
}

function documentFor(url: string, extra: Record<string, unknown> = {}) {
  return {
    client_id: url,
    client_name: "Example MCP client",
    redirect_uris: [CALLBACK],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    ...extra,
  };
}

function authorizeParams(clientID: string, extra: Record<string, string> = {}) {
  const pkce = generatePKCE();
  return {
    verifier: pkce.code_verifier,
    params: {
      client_id: clientID,
      response_type: "code",
      redirect_uri: CALLBACK,
      scope: "openid profile",
      code_challenge: pkce.code_challenge,
      code_challenge_method: "S256",
      ...extra,
    },
  };
}

async function errorPage(t: TestApp, params: Record<string, string>) {
  const res = await t.fetch(`/authorize?${new URLSearchParams(params)}`, {
    headers: { Accept: "text/html" },
  });
  return { status: res.status, html: await res.text() };
}

const DEV_ENV = {
  OUTBOUND_ALLOW_LOOPBACK: "true",
  OUTBOUND_CA_FILE: TEST_CA_FILE,
};

Deno.test("CIMD: a document on 127.0.0.2 is not fetched without the development setting", async () => {
  const docs = docServer();
  const { t } = await startAdminApp({
    env: { OUTBOUND_CA_FILE: TEST_CA_FILE },
  });
  try {
    docs.set(documentFor(docs.url));
    const page = await errorPage(t, authorizeParams(docs.url).params);
    assert.equal(page.status, 400);
    assert.match(page.html, /loopback/);
    assert.deepEqual(docs.hits, [], "nothing was fetched");
  } finally {
    await t.close();
    await docs.close();
  }
});

Deno.test("CIMD: fetched with the development setting, the consent page names the host, the code exchange works, and the document is cached by its headers within the bounds", async () => {
  const docs = docServer();
  const { t, api } = await startAdminApp({ env: DEV_ENV });
  try {
    docs.set(documentFor(docs.url), { "Cache-Control": "max-age=900" });
    const { params, verifier } = authorizeParams(docs.url);
    const page = await t.fetch(`/authorize?${new URLSearchParams(params)}`, {
      headers: { Accept: "text/html" },
    });
    assert.equal(page.status, 200);
    await page.body?.cancel();
    const flow = await runAuthorize(t, params);
    assert.ok(flow.pages.includes("Allow access?"), String(flow.pages));
    const code = flow.location?.searchParams.get("code");
    assert.ok(code, String(flow.location));
    const consent = await t.fetch(
      `/authorize?${new URLSearchParams(params)}`,
      { headers: { Accept: "text/html", Cookie: flow.jar.header() } },
    );
    const html = await consent.text();
    assert.match(html, /data-testid="client-host"/);
    assert.ok(html.includes(new URL(docs.url).host), "the host is shown");
    const tok = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: docs.url,
      code: code!,
      code_verifier: verifier,
      redirect_uri: CALLBACK,
    });
    assert.equal(tok.status, 200, JSON.stringify(tok.body));
    assert.deepEqual(docs.hits, ["/client.json"], "fetched once, then cached");
    // Listed in the admin API as a metadata document client.
    const listed = await api(
      "GET",
      `/admin/clients/${encodeURIComponent(docs.url)}`,
    );
    assert.equal(listed.body.registration_type, "metadata_document");
    assert.equal(listed.body.metadata_expires_at, t.deps.now() + 900);
    // Past max-age it is fetched again.
    t.advance(901);
    docs.set(documentFor(docs.url, { client_name: "Renamed client" }), {
      "Cache-Control": "max-age=5",
    });
    await runAuthorize(t, authorizeParams(docs.url).params, { jar: flow.jar });
    assert.equal(docs.hits.length, 2);
    const renamed = await api(
      "GET",
      `/admin/clients/${encodeURIComponent(docs.url)}`,
    );
    assert.equal(renamed.body.client_name, "Renamed client");
    // max-age=5 is raised to the admin's minimum (300 s by default).
    assert.equal(renamed.body.metadata_expires_at, t.deps.now() + 300);
  } finally {
    await t.close();
    await docs.close();
  }
});

Deno.test("CIMD: client_id must equal the URL, redirect URIs match exactly, no shared secrets, no redirects", async () => {
  const docs = docServer();
  const { t } = await startAdminApp({ env: DEV_ENV });
  try {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        documentFor(docs.url, {
          client_id: "https://evil.example/client.json",
        }),
        /client_id is not its URL/,
      ],
      [
        documentFor(docs.url, {
          token_endpoint_auth_method: "client_secret_basic",
        }),
        /must be none/,
      ],
      [
        documentFor(docs.url, { redirect_uris: ["javascript:alert(1)"] }),
        /not allowed/,
      ],
    ];
    for (const [doc, text] of cases) {
      docs.set(doc);
      // A configuration change forgets the remembered failure.
      await t.deps.db.transaction().execute(async (trx) => {
        const { bumpConfigVersion } = await import(
          "../../lib/db/config_cache.ts"
        );
        await bumpConfigVersion(trx);
      });
      const page = await errorPage(t, authorizeParams(docs.url).params);
      assert.equal(page.status, 400);
      assert.match(page.html, text);
    }
    docs.set(documentFor(docs.url));
    const { bumpConfigVersion } = await import("../../lib/db/config_cache.ts");
    await bumpConfigVersion(t.deps.db);
    const wrongRedirect = await errorPage(
      t,
      authorizeParams(docs.url, {
        redirect_uri: "http://127.0.0.1:7777/other",
      }).params,
    );
    assert.equal(wrongRedirect.status, 400);
    assert.match(wrongRedirect.html, /redirect_uri does not match/);
    const redirected = docs.url.replace("client.json", "redirected.json");
    const followed = await errorPage(t, authorizeParams(redirected).params);
    assert.equal(followed.status, 400);
    assert.match(followed.html, /answered 302/);
  } finally {
    await t.close();
    await docs.close();
  }
});

Deno.test("CIMD: the admin can turn it off, deny the host, or block a fetched client (never fetched again)", async () => {
  const docs = docServer();
  const { t, api } = await startAdminApp({ env: DEV_ENV });
  try {
    docs.set(documentFor(docs.url));
    const params = authorizeParams(docs.url).params;
    let r = await api("POST", "/admin/registration", {
      metadata_documents: false,
    });
    assert.equal(r.status, 200);
    let page = await errorPage(t, params);
    assert.equal(page.status, 400);
    const meta = await (await t.fetch(
      "/.well-known/oauth-authorization-server",
    )).json();
    assert.equal(meta.client_id_metadata_document_supported, false);
    r = await api("POST", "/admin/registration", {
      metadata_documents: true,
      denied_hosts: ["127.0.0.2"],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    page = await errorPage(t, params);
    assert.equal(page.status, 400);
    assert.deepEqual(docs.hits, []);
    r = await api("POST", "/admin/registration", {
      denied_hosts: [],
      allowed_hosts: ["*.example.com"],
    });
    page = await errorPage(t, params);
    assert.equal(page.status, 400, "not on the allowed list");
    r = await api("POST", "/admin/registration", { allowed_hosts: [] });
    page = await errorPage(t, params);
    assert.equal(page.status, 200, page.html.slice(0, 300));
    assert.equal(docs.hits.length, 1);
    // Block it: refused, and never fetched again even when stale.
    r = await api("PATCH", `/admin/clients/${encodeURIComponent(docs.url)}`, {
      disabled: true,
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    t.advance(100_000);
    page = await errorPage(t, params);
    assert.equal(page.status, 400);
    assert.equal(docs.hits.length, 1);
  } finally {
    await t.close();
    await docs.close();
  }
});

Deno.test("CIMD: a failed fetch is remembered for a minute, so a bad client_id does not make the server fetch on every request", async () => {
  const docs = docServer();
  const { t } = await startAdminApp({ env: DEV_ENV });
  try {
    docs.set(documentFor(docs.url, { client_id: "https://other.example/x" }));
    const params = authorizeParams(docs.url).params;
    for (let i = 0; i < 3; i++) {
      const page = await errorPage(t, params);
      assert.equal(page.status, 400);
      assert.match(page.html, /client_id is not its URL/);
    }
    assert.equal(docs.hits.length, 1, "fetched once");
    docs.set(documentFor(docs.url));
    t.advance(61);
    const page = await errorPage(t, params);
    assert.equal(page.status, 200, "fetched again after the minute");
    assert.equal(docs.hits.length, 2);
  } finally {
    await t.close();
    await docs.close();
  }
});

/**
 * The official MCP SDK's client (`@modelcontextprotocol/sdk` 1.32, which
 * implements the 2025-11-25 authorization spec and the 2025-06-18 one before
 * it) against examples/mcp-server.ts and this authorization server, with
 * nothing configured by hand but the API resource: discovery from the MCP
 * server's 401 (RFC 9728) and RFC 8414 metadata, registration (a Client ID
 * Metadata Document served over https on loopback with the development
 * setting on, or RFC 7591 dynamic registration), sign-in and consent in
 * Chromium, a token for the resource (RFC 8707), a tool call, and a refresh.
 * @module
 */
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import {
  auth,
  type OAuthClientProvider,
} from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import type { Browser, Page } from "playwright-core";
import { createResource } from "../../lib/admin/resources_admin.ts";
import { createMcpDemo, MCP_SCOPE } from "../../examples/mcp-server.ts";
import {
  chromiumAvailable,
  launchChromium,
  screenshot,
} from "../helpers/browser.ts";
import { seedDemo } from "../helpers/oauth.ts";
import {
  completeSetupFor,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import {
  serveTLS,
  TEST_CA_FILE,
  type TLSServer,
} from "../helpers/tls_server.ts";

Deno.test.sanitizer({ ops: false, resources: false });

const HAVE_CHROMIUM = chromiumAvailable();

/** A loopback callback that resolves with the first ?code= it receives. */
function callbackServer() {
  let resolve!: (code: string) => void;
  const code = new Promise<string>((r) => resolve = r);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => {
      const url = new URL(req.url);
      const got = url.searchParams.get("code");
      if (got) resolve(got);
      return new Response("<h1>Back at the MCP client</h1>", {
        headers: { "Content-Type": "text/html" },
      });
    },
  );
  const port = (server.addr as Deno.NetAddr).port;
  return {
    redirectURL: `http://127.0.0.1:${port}/callback`,
    code,
    close: () => server.shutdown(),
  };
}

/** The OAuthClientProvider an MCP client app implements, kept in memory. */
class MemoryProvider implements OAuthClientProvider {
  info?: OAuthClientInformationMixed;
  saved?: OAuthTokens;
  verifier = "";
  authorizationURL?: URL;
  constructor(
    readonly redirectUrl: string,
    readonly clientMetadataUrl?: string,
  ) {}
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "SDK test client",
      redirect_uris: [this.redirectUrl],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: OAuthTokens) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationURL = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
}

interface World {
  t: TestApp;
  mcpURL: string;
  close(): Promise<void>;
}

/** The authorization server (with the resource registered) and the MCP demo. */
async function world(env: Record<string, string> = {}): Promise<World> {
  const t = await startTestApp({ listen: true, env });
  await completeSetupFor(t);
  await seedDemo(t);
  let handler: (req: Request) => Promise<Response> = () =>
    Promise.resolve(new Response(null, { status: 503 }));
  const mcp = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    (req) => handler(req),
  );
  const mcpURL = `http://127.0.0.1:${(mcp.addr as Deno.NetAddr).port}/mcp`;
  // The one admin step: the API resource (here as its JWT-format API).
  await createResource(t.deps, { actor: "test", ip: null }, {
    identifier: mcpURL,
    name: "Whoami MCP server",
    scopes: [MCP_SCOPE],
    token_format: "jwt",
  });
  handler = createMcpDemo({ issuer: t.base, resource: mcpURL });
  return {
    t,
    mcpURL,
    async close() {
      await mcp.shutdown();
      await t.close();
    },
  };
}

async function signInAndAllow(page: Page, url: URL, name: string) {
  await page.goto(url.href);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByLabel("Username").fill("alice");
  await page.getByLabel("Password").fill("alice");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Allow access?" }).waitFor();
  await screenshot(page, `${name}-consent`);
  const text = await page.locator("main, body").first().innerText();
  await page.getByRole("button", { name: "Allow" }).click();
  return text;
}

/** connect → 401 → auth → browser → finishAuth → tool call → refresh. */
async function runFlow(
  browser: Browser,
  w: World,
  provider: MemoryProvider,
  callback: ReturnType<typeof callbackServer>,
  name: string,
) {
  const first = new StreamableHTTPClientTransport(new URL(w.mcpURL), {
    authProvider: provider,
  });
  const client = new Client({ name: "sdk-test", version: "1.0.0" });
  await assert.rejects(client.connect(first), UnauthorizedError);
  assert.ok(provider.authorizationURL, "the SDK asked for a browser sign-in");
  const url = provider.authorizationURL!;
  assert.equal(url.origin, w.t.base);
  assert.equal(url.searchParams.get("resource"), w.mcpURL);
  assert.equal(url.searchParams.get("scope"), MCP_SCOPE);
  const context = await browser.newContext();
  const page = await context.newPage();
  let consentText: string;
  try {
    consentText = await signInAndAllow(page, url, name);
  } finally {
    // The callback is reached (or not) by the click above.
  }
  const code = await callback.code;
  await context.close();
  await first.finishAuth(code);
  const tokens = provider.saved!;
  assert.ok(tokens.access_token && tokens.refresh_token, "tokens and refresh");
  // Connected with the token; the tool says who calls.
  const transport = new StreamableHTTPClientTransport(new URL(w.mcpURL), {
    authProvider: provider,
  });
  const connected = new Client({ name: "sdk-test", version: "1.0.0" });
  await connected.connect(transport);
  const alice = await w.t.deps.db.selectFrom("users").select("id")
    .where("username", "=", "alice").executeTakeFirstOrThrow();
  const result = await connected.callTool({ name: "whoami", arguments: {} });
  const text = (result.content as { text: string }[])[0].text;
  assert.match(text, new RegExp(`You are ${alice.id}`));
  assert.ok(text.includes(provider.info!.client_id), text);
  await connected.close();
  // Refresh: auth() with a stored refresh token rotates it for the resource.
  const before = provider.saved!;
  assert.equal(
    await auth(provider, { serverUrl: w.mcpURL }),
    "AUTHORIZED",
  );
  assert.notEqual(provider.saved!.access_token, before.access_token);
  assert.notEqual(provider.saved!.refresh_token, before.refresh_token);
  const again = new Client({ name: "sdk-test", version: "1.0.0" });
  await again.connect(
    new StreamableHTTPClientTransport(new URL(w.mcpURL), {
      authProvider: provider,
    }),
  );
  const second = await again.callTool({ name: "whoami", arguments: {} });
  assert.match((second.content as { text: string }[])[0].text, /You are/);
  await again.close();
  return { consentText: consentText! };
}

Deno.test({
  name:
    "MCP SDK: discovery → Client ID Metadata Document (https on loopback) → Chromium sign-in → token for the resource → tool call → refresh",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const callback = callbackServer();
    let doc: TLSServer | null = null;
    const w = await world({
      OUTBOUND_ALLOW_LOOPBACK: "true",
      OUTBOUND_CA_FILE: TEST_CA_FILE,
    });
    const browser = await launchChromium();
    try {
      let documentURL = "";
      doc = serveTLS(() =>
        Response.json({
          client_id: documentURL,
          client_name: "SDK test client",
          redirect_uris: [callback.redirectURL],
          grant_types: ["authorization_code", "refresh_token"],
          response_types: ["code"],
          token_endpoint_auth_method: "none",
        })
      );
      documentURL = `${doc.origin}/oauth/client-metadata.json`;
      const provider = new MemoryProvider(callback.redirectURL, documentURL);
      const { consentText } = await runFlow(
        browser,
        w,
        provider,
        callback,
        "mcp-cimd",
      );
      assert.equal(provider.info!.client_id, documentURL, "no registration");
      assert.ok(consentText.includes(new URL(documentURL).host), consentText);
      assert.ok(consentText.includes("Whoami MCP server"), consentText);
      assert.deepEqual(doc.hits, ["/oauth/client-metadata.json"]);
    } finally {
      await browser.close();
      await doc?.close();
      await callback.close();
      await w.close();
    }
  },
});

Deno.test({
  name:
    "MCP SDK: discovery → dynamic client registration (RFC 7591) → Chromium sign-in → token for the resource → tool call → refresh",
  ignore: !HAVE_CHROMIUM,
  async fn() {
    const callback = callbackServer();
    const w = await world();
    const browser = await launchChromium();
    try {
      const provider = new MemoryProvider(callback.redirectURL);
      const { consentText } = await runFlow(
        browser,
        w,
        provider,
        callback,
        "mcp-dcr",
      );
      assert.match(provider.info!.client_id, /^dcr-/, "registered itself");
      assert.match(consentText, /Unverified app/);
      assert.ok(consentText.includes("Whoami MCP server"), consentText);
    } finally {
      await browser.close();
      await callback.close();
      await w.close();
    }
  },
});

/**
 * Prepares a freshly started server for the bench, over HTTP only, as an
 * operator would: demo users from GET /dev/seed and the bench's clients from
 * POST /dev/create_client (both with the bootstrap ADMIN_TOKEN), then the
 * first-run setup wizard completed so the server runs in its normal
 * post-setup state, then one real code flow for a user access token.
 * Returns the fixed requests wrk sends and the fixture bench/load.ts uses.
 * @module
 */
import {
  basicAuth,
  type BenchClient,
  CookieJar,
  type Fixture,
  hiddenInputs,
  runCodeFlow,
} from "./flow.ts";
import type { ScenarioName } from "./scenarios.ts";
import {
  islandProps,
  SoftwarePasskey,
  type SoftwarePasskeyState,
} from "../tests/helpers/software_authenticator.ts";
import type { WrkRequest } from "./wrk.ts";

export interface Prepared {
  fixture: Fixture;
  requests: Partial<Record<ScenarioName, WrkRequest>>;
}

const REDIRECT_URI = "http://localhost:3000/callback";
const USER_SCOPE = "openid profile email offline_access";
const FORM_TYPE = "application/x-www-form-urlencoded";

async function admin(
  base: string,
  token: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(base + path, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      "X-Admin-Token": token,
      "Content-Type": "application/json",
      Accept: "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${path}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

async function createClient(
  base: string,
  token: string,
  metadata: Record<string, unknown>,
): Promise<BenchClient> {
  const created = await admin(base, token, "/dev/create_client", {
    token_endpoint_auth_method: "client_secret_basic",
    ...metadata,
  });
  return {
    id: String(created.client_id),
    secret: String(created.client_secret),
    redirectURI: REDIRECT_URI,
    scope: String(metadata.scope ?? USER_SCOPE),
  };
}

/**
 * Completes the first-run wizard (GET /setup, then its form), proving it
 * with the bootstrap ADMIN_TOKEN the bench started the server with.
 */
async function completeSetup(base: string, bootstrap: string): Promise<void> {
  const jar = new CookieJar();
  const page = await fetch(`${base}/setup`, {
    headers: { Accept: "text/html" },
  });
  jar.store(page);
  const fields = hiddenInputs(await page.text());
  fields.set("setup_code", bootstrap);
  const res = await fetch(`${base}/setup`, {
    method: "POST",
    headers: {
      Accept: "text/html",
      "Content-Type": FORM_TYPE,
      Origin: base,
      Cookie: jar.header() ?? "",
    },
    body: fields.toString(),
  });
  await res.body?.cancel();
  if (res.status !== 200) throw new Error(`POST /setup: ${res.status}`);
}

/**
 * Registers a passkey for `user` the way a person does: signs in at
 * /account/login and adds it on /account/security, at the issuer's
 * localhost alias (browsers refuse an IP address as RP ID), with a software
 * authenticator whose counter stays 0 (many flows use it at once).
 */
async function registerPasskey(
  base: string,
  user: { username: string; password: string },
): Promise<SoftwarePasskeyState> {
  const site = base.replace("127.0.0.1", "localhost");
  const jar = new CookieJar();
  const browser = {
    Accept: "text/html",
    "Content-Type": FORM_TYPE,
    Origin: site,
    "Sec-Fetch-Site": "same-origin",
  };
  const get = async (path: string) => {
    const res = await fetch(site + path, {
      headers: { Accept: "text/html", Cookie: jar.header() ?? "" },
    });
    jar.store(res);
    return await res.text();
  };
  const post = async (path: string, fields: Record<string, string>) => {
    const res = await fetch(site + path, {
      method: "POST",
      headers: { ...browser, Cookie: jar.header() ?? "" },
      body: new URLSearchParams(fields).toString(),
      redirect: "manual",
    });
    jar.store(res);
    await res.body?.cancel();
    return res.status;
  };
  const login = hiddenInputs(await get("/account/login"));
  const signedIn = await post("/account/login", {
    csrf_token: login.get("csrf_token")!,
    _action: "login",
    ...user,
  });
  if (signedIn !== 303) throw new Error(`account sign-in: ${signedIn}`);
  const props = islandProps(await get("/account/security"), "PasskeyRegister");
  if (!props) throw new Error("/account/security offers no passkey");
  const passkey = await SoftwarePasskey.create({
    rpID: "localhost",
    origin: site,
    zeroCounter: true,
  });
  const registration = await passkey.register(
    props.options as { challenge: string; user: { id: string } },
  );
  const added = await post("/account/security", {
    csrf_token: props.csrf as string,
    _action: "passkey_register",
    name: "bench",
    passkey_response: JSON.stringify(registration),
  });
  if (added !== 200 && added !== 303) {
    throw new Error(`passkey registration: ${added}`);
  }
  return await passkey.state();
}

const TLS_DIR = new URL("../tests/fixtures/tls/", import.meta.url);
let documentServer: Deno.HttpServer | null = null;

/**
 * Serves a Client ID Metadata Document over https on 127.0.0.2 (kept for
 * the whole run; the server fetches it once and caches it for a day).
 */
function serveMetadataDocument(): string {
  let url = "";
  documentServer ??= Deno.serve({
    hostname: "127.0.0.2",
    port: 0,
    cert: Deno.readTextFileSync(new URL("server.pem", TLS_DIR)),
    key: Deno.readTextFileSync(new URL("server.key", TLS_DIR)),
    onListen: () => {},
  }, () =>
    Response.json({
      client_id: url,
      client_name: "bench metadata document client",
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code", "refresh_token"],
      token_endpoint_auth_method: "none",
    }, { headers: { "Cache-Control": "max-age=86400" } }));
  const port = (documentServer.addr as Deno.NetAddr).port;
  url = `https://127.0.0.2:${port}/bench/client.json`;
  return url;
}

/** Stops the metadata document server (at the end of the run). */
export async function stopMetadataDocument(): Promise<void> {
  await documentServer?.shutdown();
  documentServer = null;
}

/** GET /authorize without a session: the checks, then the sign-in page. */
function authorizeRequest(clientID: string): WrkRequest {
  const query = new URLSearchParams({
    client_id: clientID,
    response_type: "code",
    redirect_uri: REDIRECT_URI,
    scope: "openid profile",
    state: "bench",
    code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    code_challenge_method: "S256",
  });
  return {
    path: `/authorize?${query}`,
    method: "GET",
    expect: ["<h1>Sign in</h1>"],
  };
}

/** Seeds, registers the bench clients, completes setup, mints a token. */
export async function prepareServer(
  base: string,
  adminToken: string,
): Promise<Prepared> {
  await admin(base, adminToken, "/dev/seed");
  const users = [
    { username: "alice", password: "alice" },
    { username: "bob", password: "bob" },
  ];
  // A resource-side client: client_credentials only.
  const service = await createClient(base, adminToken, {
    client_name: "bench service",
    grant_types: ["client_credentials"],
    scope: "profile email",
    consent_policy: "skip",
  });
  // A web app that never asks for consent: refresh chains and the token
  // used by userinfo and introspection.
  const webApp = await createClient(base, adminToken, {
    client_name: "bench web app",
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    scope: USER_SCOPE,
    consent_policy: "skip",
  });
  // The same web app with EdDSA ID tokens: what RS256 signing costs.
  const webAppEdDSA = await createClient(base, adminToken, {
    client_name: "bench web app (EdDSA ID tokens)",
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    scope: USER_SCOPE,
    consent_policy: "skip",
    id_token_signed_response_alg: "EdDSA",
  });
  // A web app whose policy shows the consent page on every flow.
  const consentApp = await createClient(base, adminToken, {
    client_name: "bench consent app",
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    scope: USER_SCOPE,
    consent_policy: "always",
  });
  // A registered public client and a metadata document client with the
  // same redirect URI: GET /authorize for each, the document cached.
  const registeredPublic = await createClient(base, adminToken, {
    client_name: "bench public app",
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    scope: USER_SCOPE,
    token_endpoint_auth_method: "none",
  });
  const documentURL = serveMetadataDocument();
  await completeSetup(base, adminToken);
  for (const id of [registeredPublic.id, documentURL]) {
    const res = await fetch(base + authorizeRequest(id).path, {
      headers: { Accept: "text/html" },
    });
    const page = await res.text();
    if (res.status !== 200 || !page.includes("<h1>Sign in</h1>")) {
      throw new Error(`GET /authorize for ${id}: ${res.status}`);
    }
  }
  const tokens = await runCodeFlow({
    base,
    client: webApp,
    ...users[0],
    expectConsent: false,
  });
  const passkeys = [];
  for (const user of users) passkeys.push(await registerPasskey(base, user));
  return {
    fixture: {
      base,
      users,
      passkeys,
      flowClient: consentApp,
      refreshClient: webApp,
      refreshClientEdDSA: webAppEdDSA,
    },
    requests: {
      ...fixedRequests(base, { service, webApp }, tokens.access_token),
      authorize_registered: authorizeRequest(registeredPublic.id),
      authorize_metadata_document: authorizeRequest(documentURL),
    },
  };
}

/**
 * The fixed requests wrk sends, each with what its body must contain:
 * `service` asks for client_credentials tokens, `webApp` introspects
 * `accessToken`, a user's token that userinfo answers for (alice's).
 */
export function fixedRequests(
  base: string,
  clients: { service: BenchClient; webApp: BenchClient },
  accessToken: string,
): Partial<Record<ScenarioName, WrkRequest>> {
  const { service, webApp } = clients;
  return {
    discovery: {
      path: "/.well-known/openid-configuration",
      method: "GET",
      expect: [`"issuer":"${base}"`, '"token_endpoint"'],
    },
    jwks: {
      path: "/.well-known/jwks.json",
      method: "GET",
      expect: ['"keys":[', '"kty":"RSA"'],
    },
    userinfo: {
      path: "/userinfo",
      method: "GET",
      authorization: `Bearer ${accessToken}`,
      expect: ['"sub":"', '"email":"alice@example.com"'],
    },
    introspection: {
      path: "/introspect",
      method: "POST",
      contentType: FORM_TYPE,
      authorization: basicAuth(webApp.id, webApp.secret),
      body: new URLSearchParams({
        token: accessToken,
        token_type_hint: "access_token",
      }).toString(),
      expect: ['"active":true'],
    },
    client_credentials: {
      path: "/token",
      method: "POST",
      contentType: FORM_TYPE,
      authorization: basicAuth(service.id, service.secret),
      body: "grant_type=client_credentials",
      expect: ['"access_token":"', '"token_type":"Bearer"'],
    },
  };
}

/**
 * Fixture for the real-client tests: the server on a real loopback port
 * (openid-client and oauth4webapi speak HTTP to it), demo users, relying
 * parties registered like an admin would, the user's side of the
 * authorization request played in-process, and a tiny callback server for
 * the browser tests.
 * @module
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { ClientMetadataInput } from "../../lib/oauth/clients/metadata.ts";
import { readPage, seedDemo } from "../helpers/oauth.ts";
import { addClient } from "../helpers/clients.ts";
import {
  completeSetupFor,
  CookieJar,
  postForm,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";

/** Redirect URIs of the RPs the in-process tests register. */
export const RP_CALLBACK = "http://localhost:4000/callback";
export const RP_POST_LOGOUT = "http://localhost:4000/signed-out";

/** The server on a free port, set up, with alice/alice and bob/bob. */
export async function startServer(): Promise<TestApp> {
  const t = await startTestApp({ listen: true });
  try {
    await completeSetupFor(t);
    await seedDemo(t);
    return t;
  } catch (err) {
    await t.close();
    throw err;
  }
}

export interface RP {
  clientID: string;
  /** Present for confidential clients. */
  secret?: string;
}

/**
 * Registers a relying party (what /dev/create_client and the admin API
 * do). Defaults: the RP callback, PKCE required, consent once, the OIDC
 * scopes plus offline_access.
 */
export async function registerRP(
  t: TestApp,
  metadata: ClientMetadataInput,
): Promise<RP> {
  const registered = await addClient(t, {
    redirect_uris: [RP_CALLBACK],
    post_logout_redirect_uris: [RP_POST_LOGOUT],
    grant_types: ["authorization_code", "refresh_token"],
    scope: "openid profile email offline_access",
    ...metadata,
  });
  return {
    clientID: registered.client_id,
    secret: registered.client_secret,
  };
}

export interface BrowseOptions {
  jar?: CookieJar;
  username?: string;
}

export interface Browsed {
  /** Where the server finally sent the browser (the RP's callback). */
  callback: URL | null;
  /** The final response (a redirect, or the form_post page). */
  response: Response;
  /** Headlines of the pages shown on the way. */
  pages: string[];
  jar: CookieJar;
}

/**
 * Follows an authorization URL built by a client library as a person's
 * browser would: signs in and allows when asked (in-process, forms parsed
 * from the server's HTML), until the server answers the RP.
 */
export async function browse(
  t: TestApp,
  url: URL,
  options: BrowseOptions = {},
): Promise<Browsed> {
  const jar = options.jar ?? new CookieJar();
  assert.equal(url.origin, t.base, "the library built a URL on our issuer");
  let res = await t.fetch(`${url.pathname}${url.search}`, {
    headers: { Accept: "text/html", Cookie: jar.header() },
    redirect: "manual",
  });
  jar.capture(res);
  const pages: string[] = [];
  for (let step = 0; step < 4 && !res.headers.has("Location"); step++) {
    const html = await res.text();
    const page = readPage(html);
    if (page.fields._action === "login") {
      pages.push(page.title);
      const username = options.username ?? "alice";
      res = await postForm(t, "/authorize", {
        ...page.fields,
        username,
        password: username,
      }, jar);
    } else if (page.fields._action === "consent") {
      pages.push(page.title);
      res = await postForm(t, "/authorize", {
        ...page.fields,
        decision: "allow",
      }, jar);
    } else {
      res = new Response(html, res);
      break;
    }
  }
  const location = res.headers.get("Location");
  return {
    callback: location ? new URL(location) : null,
    response: res,
    pages,
    jar,
  };
}

/**
 * The auto-submitting form of a form_post response (OAuth 2.0 Form Post
 * Response Mode §2) turned into the POST the browser would send to the RP.
 */
export async function formPostRequest(res: Response): Promise<Request> {
  assert.equal(res.status, 200);
  assert.match(res.headers.get("Content-Type")!, /^text\/html/);
  const html = await res.text();
  const action = html.match(/<form method="post" action="([^"]+)"/)?.[1];
  assert.ok(action, "a form posting to the redirect URI");
  const fields = readPage(html).fields;
  return new Request(action.replace(/&amp;/g, "&"), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

/** OIDC Core §3.1.3.6: base64url of the left half of SHA-256 (RS256/ES256). */
export function atHash(accessToken: string): string {
  const digest = createHash("sha256").update(accessToken).digest();
  return digest.subarray(0, 16).toString("base64url");
}

/** What the RP's callback endpoint received. */
export interface Captured {
  url: URL;
  method: string;
  contentType: string | null;
  body: string;
}

export interface CallbackServer {
  /** `http://127.0.0.1:<port>/callback`, to register as a redirect URI. */
  redirectURI: string;
  origin: string;
  /** Resolves with the first request to /callback. */
  received: Promise<Captured>;
  close(): Promise<void>;
}

/**
 * A tiny RP callback endpoint on a free loopback port: it records the
 * first request to /callback (query or form_post body) and answers a
 * short page.
 */
export function startCallbackServer(): CallbackServer {
  let resolve!: (c: Captured) => void;
  const received = new Promise<Captured>((r) => resolve = r);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      const url = new URL(req.url);
      if (url.pathname !== "/callback") {
        return new Response("not found", { status: 404 });
      }
      resolve({
        url,
        method: req.method,
        contentType: req.headers.get("Content-Type"),
        body: req.method === "POST" ? await req.text() : "",
      });
      return new Response(
        `<!DOCTYPE html><link rel="icon" href="data:,"><title>RP</title>` +
          `<h1>Back at the app</h1>`,
        { headers: { "Content-Type": "text/html; charset=utf-8" } },
      );
    },
  );
  const origin = `http://127.0.0.1:${(server.addr as Deno.NetAddr).port}`;
  return {
    redirectURI: `${origin}/callback`,
    origin,
    received,
    close: () => server.shutdown(),
  };
}

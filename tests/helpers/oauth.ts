/**
 * Drives the authorization code flow in-process the way a browser does:
 * GET /authorize, fill the sign-in form, answer the consent form, follow the
 * redirect to the client. Used by flow tests; the forms are parsed from the
 * real HTML the server renders.
 * @module
 */
import { seedDemoData } from "../../lib/dev/seed.ts";
import { generatePKCE } from "../../lib/oauth/pkce.ts";
import { CookieJar, postForm, type TestApp } from "./test_app.ts";

export const DEMO_REDIRECT = "http://localhost:3000/callback";

/** Seeds alice/alice, bob/bob and the public client demo-web. */
export async function seedDemo(t: TestApp): Promise<void> {
  await seedDemoData(t.deps);
}

function unescapeHTML(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

/** The hidden fields and headline of the first form on a page. */
export function readPage(html: string): {
  title: string;
  fields: Record<string, string>;
} {
  const fields: Record<string, string> = {};
  // The first form only: a sign-in page also holds the passkey form and
  // small forms for its other steps (forgot password, create an account).
  const form = html.match(/<form[^>]*>[\s\S]*?<\/form>/)?.[0] ?? html;
  for (
    const m of form.matchAll(
      /<input type="hidden" name="([^"]+)" value="([^"]*)"/g,
    )
  ) {
    fields[unescapeHTML(m[1])] = unescapeHTML(m[2]);
  }
  const title = html.match(/<h1>([^<]*)<\/h1>/)?.[1] ?? "";
  return { title, fields };
}

export interface AuthorizeParams {
  client_id: string;
  redirect_uri?: string;
  scope?: string;
  state?: string;
  nonce?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  prompt?: string;
  max_age?: string;
  response_mode?: string;
  [key: string]: string | undefined;
}

export interface FlowOptions {
  username?: string;
  password?: string;
  /** What to answer on the consent page. */
  decision?: "allow" | "deny";
  jar?: CookieJar;
}

export interface FlowResult {
  /** The final response: the redirect to the client (or an error page). */
  response: Response;
  /** Parsed Location, when it redirected. */
  location: URL | null;
  /** Headlines of the pages shown on the way ("Sign in", "Allow access?"). */
  pages: string[];
  jar: CookieJar;
}

/**
 * Runs /authorize as a browser: signs in and answers consent when asked,
 * until the server redirects (or shows something else).
 */
export async function runAuthorize(
  t: TestApp,
  params: AuthorizeParams,
  options: FlowOptions = {},
): Promise<FlowResult> {
  const jar = options.jar ?? new CookieJar();
  const query = new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined) as [
      string,
      string,
    ][],
  );
  let res = await t.fetch(`/authorize?${query}`, {
    headers: { Accept: "text/html", Cookie: jar.header() },
    redirect: "manual",
  });
  jar.capture(res);
  const pages: string[] = [];
  for (let step = 0; step < 4; step++) {
    if (
      res.status !== 200 || !res.headers.get("Content-Type")?.includes("html")
    ) break;
    const html = await res.text();
    const page = readPage(html);
    pages.push(page.title);
    if (page.fields._action === "login") {
      res = await postForm(t, "/authorize", {
        ...page.fields,
        username: options.username ?? "alice",
        password: options.password ?? "alice",
      }, jar);
    } else if (page.fields._action === "consent") {
      res = await postForm(t, "/authorize", {
        ...page.fields,
        decision: options.decision ?? "allow",
      }, jar);
    } else {
      return { response: new Response(html, res), location: null, pages, jar };
    }
  }
  const loc = res.headers.get("Location");
  return {
    response: res,
    location: loc ? new URL(loc) : null,
    pages,
    jar,
  };
}

/** Whether `username`/`password` get an authorization code from demo-web. */
export async function canSignIn(
  t: TestApp,
  username: string,
  password: string,
): Promise<boolean> {
  const flow = await runAuthorize(t, demoParams().params, {
    username,
    password,
  });
  return Boolean(flow.location?.searchParams.get("code"));
}

/** A PKCE pair plus the matching authorize parameters for demo-web. */
export function demoParams(
  extra: Partial<AuthorizeParams> = {},
): { params: AuthorizeParams; verifier: string } {
  const pkce = generatePKCE();
  return {
    verifier: pkce.code_verifier,
    params: {
      client_id: "demo-web",
      response_type: "code",
      redirect_uri: DEMO_REDIRECT,
      scope: "openid profile email offline_access",
      code_challenge: pkce.code_challenge,
      code_challenge_method: "S256",
      state: "state-123",
      nonce: "nonce-456",
      ...extra,
    },
  };
}

/** POSTs a token request as a form. */
export async function tokenRequest(
  t: TestApp,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; res: Response }> {
  const res = await t.fetch("/token", {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      ...headers,
    },
    body: new URLSearchParams(fields),
  });
  return { status: res.status, body: await res.json(), res };
}

/** Full demo-web flow to tokens: returns the token response body. */
export async function demoTokens(
  t: TestApp,
  extra: Partial<AuthorizeParams> = {},
  options: FlowOptions = {},
): Promise<Record<string, unknown>> {
  const { params, verifier } = demoParams(extra);
  const flow = await runAuthorize(t, params, options);
  const code = flow.location?.searchParams.get("code");
  if (!code) {
    throw new Error(`no code: ${flow.response.status} ${flow.location}`);
  }
  const { status, body } = await tokenRequest(t, {
    grant_type: "authorization_code",
    client_id: "demo-web",
    code_verifier: verifier,
    code,
    redirect_uri: params.redirect_uri ?? DEMO_REDIRECT,
  });
  if (status !== 200) {
    throw new Error(`token: ${status} ${JSON.stringify(body)}`);
  }
  return body;
}

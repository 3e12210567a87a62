/**
 * The authorization code flow against node-oidc-provider, as a browser goes
 * through it: /authorize redirects to the application's interaction pages
 * (bench/peer/server.mjs), each form posts there and is redirected back to
 * /authorize/:uid to resume, and the last hop lands on the client's
 * redirect_uri. Every hop is checked; the authorization response and the
 * code exchange are checked exactly as against our server (bench/flow.ts).
 * @module
 */
import {
  authorizationCode,
  authorizationRequest,
  type BenchClient,
  CheckError,
  CookieJar,
  hiddenInputs,
  redeemCode,
  send,
  type StepTimes,
  timer,
  type TokenSet,
} from "./flow.ts";

export interface PeerCodeFlowOptions {
  base: string;
  client: BenchClient;
  username: string;
  password: string;
  /** Filled with per-step times when given. */
  times?: StepTimes;
}

const BROWSER_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8";
const FORM_TYPE = "application/x-www-form-urlencoded";
/** /authorize -> /interaction/:uid, or /authorize/:uid -> the next page. */
const MAX_HOPS = 4;

/**
 * Follows the issuer's own redirects (302/303 within its origin) with the
 * browser's cookies; returns the first response that is a page or a
 * redirect elsewhere (the client's redirect_uri).
 */
async function follow(
  step: string,
  first: Response,
  base: string,
  jar: CookieJar,
): Promise<Response> {
  let res = first;
  for (let hop = 0; hop <= MAX_HOPS; hop++) {
    if (res.status !== 302 && res.status !== 303) return res;
    const location = res.headers.get("Location");
    if (!location) throw new CheckError(`${step}: ${res.status} no Location`);
    const target = new URL(location, base);
    if (target.origin !== new URL(base).origin) return res;
    await res.body?.cancel();
    res = await send(target.href, { headers: { Accept: BROWSER_ACCEPT } }, jar);
  }
  throw new CheckError(`${step}: more than ${MAX_HOPS} redirects`);
}

/** Checks an interaction page; returns where its form posts. */
async function expectPage(
  step: string,
  res: Response,
  base: string,
  action: string,
): Promise<string> {
  const body = await res.text();
  if (res.status !== 200) {
    throw new CheckError(
      `${step}: status ${res.status}: ${body.slice(0, 160)}`,
    );
  }
  const target = body.match(/<form\b[^>]*\baction="([^"]+)"/i)?.[1];
  if (hiddenInputs(body).get("_action") !== action || !target) {
    throw new CheckError(`${step}: no ${action} form`);
  }
  return new URL(target, base).href;
}

function formPost(base: string, fields: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: {
      Accept: BROWSER_ACCEPT,
      "Content-Type": FORM_TYPE,
      Origin: base,
    },
    body: new URLSearchParams(fields).toString(),
  };
}

/**
 * One authorization code flow from a fresh cookie jar: sign-in page,
 * consent page, then the code redeemed with PKCE. The request carries
 * `prompt=consent`: oidc-provider grants offline_access only then (OIDC
 * Core §11: "the prompt parameter MUST contain consent unless other
 * conditions ... permitting offline access ... are in place"), so every
 * flow shows the consent page.
 */
export async function runPeerCodeFlow(
  opts: PeerCodeFlowOptions,
): Promise<TokenSet> {
  const { base, client } = opts;
  const jar = new CookieJar();
  const request = await authorizationRequest(client);
  request.query.set("prompt", "consent");

  let done = timer(opts.times, "authorize");
  const page = await follow(
    "authorize",
    await send(`${base}/authorize?${request.query}`, {
      headers: { Accept: BROWSER_ACCEPT },
    }, jar),
    base,
    jar,
  );
  const loginURL = await expectPage("authorize", page, base, "login");
  done();

  done = timer(opts.times, "login");
  let res = await follow(
    "login",
    await send(
      loginURL,
      formPost(base, {
        _action: "login",
        username: opts.username,
        password: opts.password,
      }),
      jar,
    ),
    base,
    jar,
  );
  const consentURL = await expectPage("login", res, base, "consent");
  done();

  done = timer(opts.times, "consent");
  res = await follow(
    "consent",
    await send(consentURL, formPost(base, { _action: "consent" }), jar),
    base,
    jar,
  );
  const code = await authorizationCode(
    "consent",
    res,
    base,
    client,
    request,
  );
  done();

  done = timer(opts.times, "token");
  const tokens = await redeemCode(base, client, code, request);
  done();
  return tokens;
}

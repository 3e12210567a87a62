/**
 * The state the fuzzer attacks: setup done, demo data, confidential
 * clients, live / rotated / revoked tokens, a consumed and an unconsumed
 * code, a signed-in user waiting at the consent page, an admin session.
 * Replays that legitimately revoke (a reused code, a reused refresh token)
 * happen here, before the snapshot, so repeating them later changes nothing.
 * @module
 */
import {
  confirmTOTPEnrolment,
  startTOTPEnrolment,
} from "../../lib/accounts/factors/enrolment.ts";
import { totpCode } from "../../lib/accounts/factors/totp.ts";
import { findUserByID } from "../../lib/db/users.ts";
import {
  DEMO_REDIRECT,
  demoParams,
  readPage,
  runAuthorize,
  seedDemo,
  tokenRequest,
} from "../helpers/oauth.ts";
import { addClient, basic as basicHeader } from "../helpers/clients.ts";
import {
  completeSetupFor,
  CookieJar,
  postForm,
  signInAdmin,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import { generatePKCE } from "../../lib/oauth/pkce.ts";
import { randomToken } from "../../lib/security/crypto.ts";

export const FIXED_ADMIN_IP = "192.0.2.10";
export const FIXED_CLIENT_IP = "192.0.2.20";

export interface ConfidentialClient {
  id: string;
  secret: string;
  redirectURI: string;
}

export interface World {
  t: TestApp;
  adminToken: string;
  basic: ConfidentialClient;
  post: ConfidentialClient;
  /** Only ever sent with wrong credentials (its failure budget runs out). */
  victim: ConfidentialClient;
  /** Every registered redirect and post-logout URI. */
  registeredURIs: string[];
  /** Tokens nobody may use up: presented only in ways that cannot succeed. */
  live: {
    aliceAccess: string;
    aliceRefresh: string;
    aliceIDToken: string;
    basicAccess: string;
    basicRefresh: string;
    ccAccess: string;
    jwtAccess: string;
    /** A code of demo-web never redeemed: only other clients present it. */
    unusedCode: string;
    unusedCodeVerifier: string;
  };
  /** Consumed, rotated or revoked: any use must change nothing. */
  dead: {
    rotatedRefresh: string;
    revokedAccess: string;
    usedCode: string;
    usedCodeVerifier: string;
  };
  /** Bob, signed in, looking at demo-web's consent page. */
  bob: {
    jar: CookieJar;
    csrf: string;
    sid: string;
    consentFields: Record<string, string>;
    /**
     * Bob's authenticator app secret (TOTP is on for him), so the
     * second-factor forms check codes against a real one; the fuzzer
     * never sends a code that is right now.
     */
    totpSecret: string;
  };
  admin: { jar: CookieJar; csrf: string; sid: string };
  aliceID: string;
  bobID: string;
  userSessionID: string;
}

async function codeFor(
  t: TestApp,
  params: Record<string, string>,
  jar: CookieJar,
): Promise<string> {
  const flow = await runAuthorize(t, params as never, { jar });
  const code = flow.location?.searchParams.get("code");
  if (!code) {
    throw new Error(`no code: ${flow.response.status} ${flow.location}`);
  }
  return code;
}

async function mustToken(
  t: TestApp,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Record<string, string>> {
  const { status, body } = await tokenRequest(t, fields, headers);
  if (status !== 200) {
    throw new Error(`token ${status} ${JSON.stringify(body)}`);
  }
  return body as Record<string, string>;
}

/** Builds the world on a fresh app. Close `world.t` afterwards. */
export async function buildWorld(): Promise<World> {
  // Registration by invitation (none is ever issued): the registration
  // forms are reachable and can never succeed.
  const t = await startTestApp({
    env: { ENABLE_DEV_ENDPOINTS: "true", REGISTRATION: "invite" },
  });
  try {
    const adminToken = await completeSetupFor(t);
    await seedDemo(t);
    const basicReg = await addClient(t, {
      client_id: "fz-basic",
      redirect_uris: [
        "https://rp.example.com/cb",
        "http://127.0.0.1:9999/cb?x=1",
      ],
      grant_types: [
        "authorization_code",
        "refresh_token",
        "client_credentials",
      ],
      token_endpoint_auth_method: "client_secret_basic",
      post_logout_redirect_uris: ["https://rp.example.com/bye"],
    });
    const postReg = await addClient(t, {
      client_id: "fz-post",
      redirect_uris: ["https://post.example.com/cb"],
      grant_types: ["authorization_code", "client_credentials"],
      token_endpoint_auth_method: "client_secret_post",
      token_format: "jwt",
      scope: "openid profile email",
    });
    const victimReg = await addClient(t, {
      client_id: "fz-victim",
      redirect_uris: ["https://victim.example.com/cb"],
      token_endpoint_auth_method: "client_secret_basic",
    });
    const basic = {
      id: "fz-basic",
      secret: basicReg.client_secret!,
      redirectURI: "https://rp.example.com/cb",
    };
    const post = {
      id: "fz-post",
      secret: postReg.client_secret!,
      redirectURI: "https://post.example.com/cb",
    };
    const victim = {
      id: "fz-victim",
      secret: victimReg.client_secret!,
      redirectURI: "https://victim.example.com/cb",
    };

    // Alice: live demo-web tokens (grant 1).
    const aliceJar = new CookieJar();
    const g1 = demoParams();
    const code1 = await codeFor(t, g1.params as never, aliceJar);
    const t1 = await mustToken(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code: code1,
      code_verifier: g1.verifier,
      redirect_uri: DEMO_REDIRECT,
    });

    // Grant 2: rotate, then replay the old refresh token (family revoked).
    const g2 = demoParams();
    const code2 = await codeFor(t, g2.params as never, aliceJar);
    const t2 = await mustToken(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code: code2,
      code_verifier: g2.verifier,
      redirect_uri: DEMO_REDIRECT,
    });
    await mustToken(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: t2.refresh_token,
    });
    const replay = await tokenRequest(t, {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: t2.refresh_token,
    });
    if (replay.status !== 400) throw new Error("refresh replay not refused");

    // Grant 3: redeem a code, then replay it (grant revoked).
    const g3 = demoParams();
    const code3 = await codeFor(t, g3.params as never, aliceJar);
    await mustToken(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code: code3,
      code_verifier: g3.verifier,
      redirect_uri: DEMO_REDIRECT,
    });
    const codeReplay = await tokenRequest(t, {
      grant_type: "authorization_code",
      client_id: "demo-web",
      code: code3,
      code_verifier: g3.verifier,
      redirect_uri: DEMO_REDIRECT,
    });
    if (codeReplay.status !== 400) throw new Error("code replay not refused");

    // Grant 4: a code never redeemed.
    const g4 = demoParams();
    const code4 = await codeFor(t, g4.params as never, aliceJar);

    // fz-basic for alice (consent once), and client credentials.
    const pkce = generatePKCE();
    const codeB = await codeFor(t, {
      client_id: "fz-basic",
      response_type: "code",
      redirect_uri: basic.redirectURI,
      scope: "openid profile offline_access",
      code_challenge: pkce.code_challenge,
      code_challenge_method: "S256",
      state: "s",
    }, aliceJar);
    const tb = await mustToken(t, {
      grant_type: "authorization_code",
      code: codeB,
      code_verifier: pkce.code_verifier,
      redirect_uri: basic.redirectURI,
    }, { Authorization: basicHeader(basic.id, basic.secret) });
    const cc = await mustToken(t, {
      grant_type: "client_credentials",
    }, { Authorization: basicHeader(basic.id, basic.secret) });
    const jwt = await mustToken(t, {
      grant_type: "client_credentials",
      client_id: post.id,
      client_secret: post.secret,
    });

    // Bob signs in and stops at demo-web's consent page.
    const bobJar = new CookieJar();
    const bobParams = demoParams().params;
    const first = await t.fetch(
      `/authorize?${new URLSearchParams(bobParams as Record<string, string>)}`,
      { headers: { Accept: "text/html" } },
    );
    bobJar.capture(first);
    const login = readPage(await first.text());
    const consent = await postForm(t, "/authorize", {
      ...login.fields,
      username: "bob",
      password: "bob",
    }, bobJar);
    const consentPage = readPage(await consent.text());
    if (consentPage.fields._action !== "consent") {
      throw new Error(`bob: no consent page (${consent.status})`);
    }

    const adminJar = await signInAdmin(t, adminToken);

    const users = await t.deps.db.selectFrom("users").select(["id", "username"])
      .execute();
    const aliceID = users.find((u) => u.username === "alice")!.id;
    const bobID = users.find((u) => u.username === "bob")!.id;
    const bobSid = bobJar.get("sid")!;
    // Bob turns the authenticator app on (his session stays as it was).
    const bobUser = (await findUserByID(t.deps.db, bobID))!;
    const enrolment = await startTOTPEnrolment(t.deps, bobUser);
    const totpSecret = enrolment!.key.replaceAll(" ", "");
    const enabled = await confirmTOTPEnrolment(
      t.deps,
      bobUser,
      totpCode(totpSecret, t.deps.now()),
      null,
    );
    if (!enabled.ok) throw new Error("bob: TOTP not enabled");

    return {
      t,
      adminToken,
      basic,
      post,
      victim,
      registeredURIs: [
        DEMO_REDIRECT,
        "http://localhost:3000/",
        "https://rp.example.com/cb",
        "http://127.0.0.1:9999/cb?x=1",
        "https://rp.example.com/bye",
        "https://post.example.com/cb",
        "https://victim.example.com/cb",
      ],
      live: {
        aliceAccess: t1.access_token,
        aliceRefresh: t1.refresh_token,
        aliceIDToken: t1.id_token,
        basicAccess: tb.access_token,
        basicRefresh: tb.refresh_token,
        ccAccess: cc.access_token,
        jwtAccess: jwt.access_token,
        unusedCode: code4,
        unusedCodeVerifier: g4.verifier,
      },
      dead: {
        rotatedRefresh: t2.refresh_token,
        revokedAccess: t2.access_token,
        usedCode: code3,
        usedCodeVerifier: g3.verifier,
      },
      bob: {
        jar: bobJar,
        csrf: bobJar.get("csrf")!,
        sid: bobSid,
        consentFields: consentPage.fields,
        totpSecret,
      },
      admin: {
        jar: adminJar,
        csrf: adminJar.get("csrf")!,
        sid: adminJar.get("admin_sid")!,
      },
      aliceID,
      bobID,
      userSessionID: bobSid.split(".")[0],
    };
  } catch (err) {
    await t.close();
    throw err;
  }
}

/**
 * A world of credentials this server never issued, for an app before setup:
 * the shapes of real tokens, cookies and ids, none of them valid here - but
 * the bootstrap ADMIN_TOKEN, which opens the admin API until setup is done.
 */
export function strangerWorld(t: TestApp, adminToken: string): World {
  const token = () => randomToken(32);
  const sid = `${randomToken(16)}.${randomToken(32)}`;
  const jwt = [
    btoa(JSON.stringify({ alg: "RS256", kid: "k", typ: "JWT" })),
    btoa(JSON.stringify({ iss: t.base, sub: "u", aud: "demo-web" })),
    randomToken(256),
  ].map((p) => p.replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_"))
    .join(".");
  const client = (id: string, redirectURI: string) => ({
    id,
    secret: token(),
    redirectURI,
  });
  return {
    t,
    adminToken,
    basic: client("fz-basic", "https://rp.example.com/cb"),
    post: client("fz-post", "https://post.example.com/cb"),
    victim: client("fz-victim", "https://victim.example.com/cb"),
    registeredURIs: [],
    live: {
      aliceAccess: token(),
      aliceRefresh: token(),
      aliceIDToken: jwt,
      basicAccess: token(),
      basicRefresh: token(),
      ccAccess: token(),
      jwtAccess: jwt,
      unusedCode: token(),
      unusedCodeVerifier: token(),
    },
    dead: {
      rotatedRefresh: token(),
      revokedAccess: token(),
      usedCode: token(),
      usedCodeVerifier: token(),
    },
    bob: {
      jar: new CookieJar(),
      csrf: token(),
      sid,
      consentFields: {},
      totpSecret: "JBSWY3DPEHPK3PXP",
    },
    admin: { jar: new CookieJar(), csrf: token(), sid },
    aliceID: crypto.randomUUID(),
    bobID: crypto.randomUUID(),
    userSessionID: sid.split(".")[0],
  };
}

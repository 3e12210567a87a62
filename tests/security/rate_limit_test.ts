/**
 * Brute force is stopped by the failure budgets in Deno KV
 * (lib/security/rate_limit.ts BUDGETS): guessing a password at the sign-in
 * form or a client secret at /token hits 429 with Retry-After within the
 * budget, the right user (or client) still gets in from another address,
 * and once the window has passed the guessing address may try again.
 * The peer address is the serve info's `remoteAddr`, set per request.
 * @module
 */
import assert from "node:assert/strict";
import { BUDGETS } from "../../lib/security/rate_limit.ts";
import { DEMO_REDIRECT, demoParams } from "../helpers/oauth.ts";
import { addClient, basic } from "../helpers/clients.ts";
import {
  CookieJar,
  fetchFrom,
  openAuthorize,
  postFrom,
  startSecurityApp,
} from "./fixture.ts";
import type { TestApp } from "../helpers/test_app.ts";

const ATTACKER = "203.0.113.5";
const OWNER = "198.51.100.7";

/** Opens the sign-in form of a demo-web request from `ip`. */
async function signInForm(
  t: TestApp,
  ip: string,
): Promise<{ jar: CookieJar; fields: Record<string, string> }> {
  const jar = new CookieJar();
  const { params } = demoParams();
  const page = await openAuthorize(
    t,
    ip,
    new URLSearchParams(params as Record<string, string>),
    jar,
  );
  assert.equal(page.fields._action, "login", "a sign-in form");
  return { jar, fields: page.fields };
}

async function signIn(
  t: TestApp,
  ip: string,
  username: string,
  password: string,
): Promise<Response> {
  const { jar, fields } = await signInForm(t, ip);
  const res = await postFrom(t, ip, "/authorize", {
    ...fields,
    username,
    password,
  }, jar);
  return res;
}

/** A sign-in from a fresh page that carries only `device` from before. */
async function signInWithDevice(
  t: TestApp,
  ip: string,
  device: string,
  password: string,
): Promise<Response> {
  const { jar, fields } = await signInForm(t, ip);
  return await fetchFrom(t, ip, "/authorize", {
    method: "POST",
    headers: {
      Accept: "text/html",
      Cookie: `${jar.header()}; device=${device}`,
      Origin: t.base,
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ ...fields, username: "alice", password }),
  });
}

function assertRetryAfter(res: Response, windowSeconds: number): void {
  const retry = Number(res.headers.get("Retry-After"));
  assert.ok(
    Number.isInteger(retry) && retry >= 1 && retry <= windowSeconds,
    `Retry-After ${res.headers.get("Retry-After")} within 1..${windowSeconds}`,
  );
}

Deno.test("rate limit: guessing alice's password from one address hits 429 within the budget; alice still signs in from another; the window passing lets the address try again", async () => {
  const { t } = await startSecurityApp();
  try {
    const budget = BUDGETS.loginPerAccountIP;
    let firstLimited = 0;
    for (let attempt = 1; attempt <= budget.limit + 3; attempt++) {
      const res = await signIn(t, ATTACKER, "alice", `guess-${attempt}`);
      const body = await res.text();
      if (res.status === 429) {
        firstLimited ||= attempt;
        assertRetryAfter(res, budget.windowSeconds);
        assert.match(body, /Too many failed sign-in attempts/);
      } else {
        assert.equal(res.status, 401, `attempt ${attempt}`);
        assert.equal(firstLimited, 0, "no success after being limited");
      }
    }
    assert.equal(
      firstLimited,
      budget.limit + 1,
      "limited right after the per-account-and-address budget",
    );

    // The right password from the guessing address is refused too, and
    // starts no session.
    const blocked = await signIn(t, ATTACKER, "alice", "alice");
    assert.equal(blocked.status, 429);
    assert.equal(
      blocked.headers.getSetCookie().some((c) => c.startsWith("sid=")),
      false,
    );
    await blocked.body?.cancel();

    // Alice herself, from her own address, is not locked out.
    const owner = await signIn(t, OWNER, "alice", "alice");
    assert.equal(owner.status, 200, "the consent page");
    assert.ok(owner.headers.getSetCookie().some((c) => c.startsWith("sid=")));
    assert.match(await owner.text(), /Allow access\?/);

    // After the window the guessing address may try again (and succeeds
    // with the right password).
    t.advance(budget.windowSeconds);
    const later = await signIn(t, ATTACKER, "alice", "alice");
    assert.equal(later.status, 200);
    assert.match(await later.text(), /Allow access\?/);
  } finally {
    await t.close();
  }
});

Deno.test("rate limit: one address guessing many accounts hits its own budget, whoever it names", async () => {
  const { t } = await startSecurityApp();
  try {
    const budget = BUDGETS.loginPerIP;
    for (let i = 1; i <= budget.limit; i++) {
      const res = await signIn(t, ATTACKER, `nobody-${i}`, "x");
      assert.equal(res.status, 401, `attempt ${i}`);
      await res.body?.cancel();
    }
    const next = await signIn(t, ATTACKER, "bob", "bob");
    assert.equal(next.status, 429);
    assertRetryAfter(next, budget.windowSeconds);
    await next.body?.cancel();
    const elsewhere = await signIn(t, OWNER, "bob", "bob");
    assert.equal(elsewhere.status, 200);
    await elsewhere.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("rate limit: guessing a client secret at /token hits 429 within the budget; the client itself still gets tokens from its own address; the window passing lets the address try again", async () => {
  const { t } = await startSecurityApp();
  try {
    const client = await addClient(t, {
      client_id: "payments",
      redirect_uris: ["https://payments.example.com/cb"],
      grant_types: ["client_credentials"],
      scope: "profile",
      token_endpoint_auth_method: "client_secret_basic",
    });
    const token = (ip: string, secret: string) =>
      fetchFrom(t, ip, "/token", {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          Authorization: basic("payments", secret),
        },
        body: "grant_type=client_credentials",
      });
    const budget = Math.min(
      BUDGETS.clientAuthPerIP.limit,
      BUDGETS.clientAuthPerClientIP.limit,
    );
    const window = BUDGETS.clientAuthPerClientIP.windowSeconds;
    let firstLimited = 0;
    for (let attempt = 1; attempt <= budget + 3; attempt++) {
      const res = await token(ATTACKER, `guess-${attempt}`);
      const body = await res.json();
      if (res.status === 429) {
        firstLimited ||= attempt;
        assertRetryAfter(res, window);
        assert.equal(typeof body.error, "string");
      } else {
        assert.equal(res.status, 401, `attempt ${attempt}`);
        assert.equal(body.error, "invalid_client");
        assert.equal(firstLimited, 0);
      }
    }
    assert.equal(firstLimited, budget + 1, "limited right after the budget");

    const blocked = await token(ATTACKER, client.client_secret!);
    assert.equal(blocked.status, 429, "the right secret from that address too");
    await blocked.body?.cancel();

    const owner = await token(OWNER, client.client_secret!);
    assert.equal(owner.status, 200, "the client from its own address");
    assert.equal(typeof (await owner.json()).access_token, "string");

    t.advance(window);
    const later = await token(ATTACKER, client.client_secret!);
    assert.equal(later.status, 200);
    await later.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("rate limit: the code flow of a public client is never counted as a failure", async () => {
  const { t } = await startSecurityApp();
  try {
    // A public client authenticates with its id alone: many token requests
    // with bad codes are invalid_grant, not failed client authentications.
    for (let i = 0; i < BUDGETS.clientAuthPerIP.limit + 5; i++) {
      const res = await fetchFrom(t, ATTACKER, "/token", {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code",
          client_id: "demo-web",
          code: `bad-${i}`,
          redirect_uri: DEMO_REDIRECT,
          code_verifier: "a".repeat(43),
        }),
      });
      assert.equal(res.status, 400);
      assert.equal((await res.json()).error, "invalid_grant");
    }
  } finally {
    await t.close();
  }
});

Deno.test("rate limit: behind a trusted proxy each forwarded client has its own budget; X-Forwarded-For from anyone else is ignored", async () => {
  const BALANCER = "10.0.0.5";
  for (const trusted of [true, false]) {
    const { t } = await startSecurityApp({
      env: trusted ? { TRUSTED_PROXIES: "10.0.0.0/8" } : {},
    });
    try {
      const client = await addClient(t, {
        client_id: "payments",
        redirect_uris: ["https://payments.example.com/cb"],
        grant_types: ["client_credentials"],
        scope: "profile",
        token_endpoint_auth_method: "client_secret_basic",
      });
      const token = (peer: string, forwardedFor: string, secret: string) =>
        fetchFrom(t, peer, "/token", {
          method: "POST",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            Authorization: basic("payments", secret),
            "X-Forwarded-For": forwardedFor,
          },
          body: "grant_type=client_credentials",
        });
      // The attacker's requests pass through the balancer; a forged entry
      // to the left of what the balancer appended changes nothing.
      for (let i = 0; i <= BUDGETS.clientAuthPerClientIP.limit; i++) {
        const res = await token(BALANCER, `${OWNER}, ${ATTACKER}`, "guess");
        await res.body?.cancel();
      }
      const attacker = await token(BALANCER, ATTACKER, client.client_secret!);
      assert.equal(attacker.status, 429);
      await attacker.body?.cancel();

      const owner = await token(BALANCER, OWNER, client.client_secret!);
      // Trusted: the owner is told apart from the attacker behind the same
      // balancer. Not trusted: everyone is the balancer, so one budget.
      assert.equal(owner.status, trusted ? 200 : 429);
      await owner.body?.cancel();

      // A direct (untrusted) peer cannot borrow someone's address.
      const forged = await token("203.0.113.99", OWNER, "guess");
      assert.equal(forged.status, 401);
      await forged.body?.cancel();
    } finally {
      await t.close();
    }
  }
});

Deno.test("rate limit: lockout is not a weapon: ten wrong passwords from each of ten addresses lock out unknown browsers, while alice's own browser (device cookie) still signs in; her device has its own budget", async () => {
  const { t } = await startSecurityApp();
  try {
    // Alice signed in on her laptop before: it holds a device cookie.
    const laptop = await signInForm(t, "192.0.2.10");
    const first = await postFrom(t, "192.0.2.10", "/authorize", {
      ...laptop.fields,
      username: "alice",
      password: "alice",
    }, laptop.jar);
    assert.equal(first.status, 200);
    await first.body?.cancel();
    const device = first.headers.getSetCookie().find((c) =>
      c.startsWith("device=")
    );
    assert.ok(device, "a device cookie");
    assert.match(device, /HttpOnly/i);
    assert.match(device, /SameSite=Lax/i);
    assert.match(device, /Path=\/authorize/);
    assert.match(device, /Max-Age=\d{7,}/, "long-lived");

    // Ten addresses, ten wrong passwords each: 100 failures for alice.
    for (let a = 1; a <= 10; a++) {
      for (let i = 1; i <= 10; i++) {
        const res = await signIn(t, `203.0.113.${a}`, "alice", `guess-${i}`);
        assert.ok(res.status === 401 || res.status === 429);
        await res.body?.cancel();
      }
    }
    // A browser alice never used is locked out for the window...
    const stranger = await signIn(t, "198.51.100.200", "alice", "alice");
    assert.equal(stranger.status, 429);
    await stranger.body?.cancel();
    // ...her laptop is not, from any address (a new page, a new session:
    // only the device cookie is carried over).
    const owner = await signInWithDevice(
      t,
      "198.51.100.201",
      laptop.jar.get("device")!,
      "alice",
    );
    assert.equal(owner.status, 200, "alice's own browser gets in");
    assert.match(await owner.text(), /Allow access\?/);

    // A device cookie does not help guessing: the laptop's own budget.
    const renewed = owner.headers.getSetCookie().find((c) =>
      c.startsWith("device=")
    )!.split(";")[0].slice("device=".length);
    for (let i = 1; i <= BUDGETS.loginPerDevice.limit; i++) {
      const wrong = await signInWithDevice(
        t,
        "192.0.2.10",
        renewed,
        `typo-${i}`,
      );
      assert.equal(wrong.status, 401, `typo ${i}`);
      await wrong.body?.cancel();
    }
    const tired = await signInWithDevice(t, "192.0.2.10", renewed, "alice");
    assert.equal(tired.status, 429);
    await tired.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("rate limit: a forged or foreign device cookie counts as an unknown browser", async () => {
  const { t } = await startSecurityApp();
  try {
    // Bob's device cookie, and a forged one naming alice.
    const bob = await signInForm(t, "192.0.2.20");
    const signedIn = await postFrom(t, "192.0.2.20", "/authorize", {
      ...bob.fields,
      username: "bob",
      password: "bob",
    }, bob.jar);
    await signedIn.body?.cancel();
    const bobDevice = bob.jar.get("device")!;
    const alice = (await t.deps.db.selectFrom("users").select("id")
      .where("username", "=", "alice").executeTakeFirstOrThrow()).id;
    const forged = `${alice}.${"A".repeat(22)}.${t.deps.now()}.${
      "B".repeat(43)
    }`;
    for (const cookie of [bobDevice, forged]) {
      for (let i = 1; i <= BUDGETS.loginPerAccountIP.limit; i++) {
        const form = await signInForm(t, ATTACKER);
        const res = await fetchFrom(t, ATTACKER, "/authorize", {
          method: "POST",
          headers: {
            Accept: "text/html",
            Cookie: `${form.jar.header()}; device=${cookie}`,
            Origin: t.base,
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams({
            ...form.fields,
            username: "alice",
            password: `guess-${i}`,
          }),
        });
        await res.body?.cancel();
      }
      // The attacker's address is spent for alice whatever cookie it sends.
      const next = await signIn(t, ATTACKER, "alice", "alice");
      assert.equal(next.status, 429);
      await next.body?.cancel();
      t.advance(BUDGETS.loginPerAccountIP.windowSeconds);
    }
  } finally {
    await t.close();
  }
});

Deno.test("rate limit: every address of one IPv6 /64 shares a budget; the next /64 has its own", async () => {
  const { t } = await startSecurityApp();
  try {
    for (let i = 1; i <= BUDGETS.loginPerAccountIP.limit; i++) {
      const res = await signIn(
        t,
        `2001:db8:1:2::${i.toString(16)}`,
        "alice",
        "x",
      );
      assert.equal(res.status, 401);
      await res.body?.cancel();
    }
    const sameNet = await signIn(t, "2001:db8:1:2:ffff::1", "alice", "alice");
    assert.equal(sameNet.status, 429, "a new address in the same /64");
    await sameNet.body?.cancel();
    const nextNet = await signIn(t, "2001:db8:1:3::1", "alice", "alice");
    assert.equal(nextNet.status, 200);
    await nextNet.body?.cancel();
  } finally {
    await t.close();
  }
});

/**
 * Failure budgets hold under real concurrency: a server started the way
 * users start it (main.ts, two server threads sharing one Deno KV file) gets
 * 50 wrong sign-ins and 50 wrong client secrets fired at once. No more than
 * the budget is evaluated, nothing answers 5xx, everything past the budget
 * is 429 with Retry-After; sent one at a time afterwards, exactly the rest
 * of the budget is evaluated, and the right secret from that address is
 * then refused too.
 * @module
 */
import assert from "node:assert/strict";
import { BUDGETS } from "../../lib/security/rate_limit.ts";
import { basic } from "../helpers/clients.ts";
import { demoParams, readPage } from "../helpers/oauth.ts";
import {
  completeSetupOverHTTP,
  freePort,
  waitUntilHealthy,
} from "../helpers/server_process.ts";
import {
  CookieJar,
  freshDatabaseURL,
  TEST_APP_SECRET,
} from "../helpers/test_app.ts";
import { serverStartArgs } from "../../lib/v8_flags.ts";

const ROOT = new URL("../../", import.meta.url);
const BOOTSTRAP = "bootstrap-token-budget-concurrency";
const AT_ONCE = 50;

interface Server {
  base: string;
  close(): Promise<void>;
}

async function startServer(): Promise<Server> {
  const database = await freshDatabaseURL();
  const dir = await Deno.makeTempDir({ prefix: "oauth-budget-" });
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = new Deno.Command(Deno.execPath(), {
    args: serverStartArgs(),
    cwd: ROOT,
    env: {
      PORT: String(port),
      WORKERS: "2",
      DATABASE_URL: database.url,
      APP_SECRET: TEST_APP_SECRET,
      DENO_KV_PATH: `${dir}/kv.sqlite`,
      ENABLE_DEV_ENDPOINTS: "true",
      ADMIN_TOKEN: BOOTSTRAP,
      LOG_REQUESTS: "false",
    },
    stdout: "null",
    stderr: "null",
  }).spawn();
  const close = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
    await database.drop();
    await Deno.remove(dir, { recursive: true });
  };
  try {
    await waitUntilHealthy(base);
  } catch (err) {
    await close();
    throw err;
  }
  return { base, close };
}

/**
 * Sends wrong attempts one at a time until one is refused; returns how many
 * were evaluated in all (the burst's plus these).
 */
async function topUp(
  evaluated: number,
  attempt: (i: number) => Promise<number>,
): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const status = await attempt(i);
    if (status === 429) return evaluated;
    assert.equal(status, 401, `attempt ${i}`);
    evaluated++;
  }
  throw new Error("never limited");
}

/** Counts of answers by status. */
function tally(statuses: number[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const s of statuses) counts[s] = (counts[s] ?? 0) + 1;
  return counts;
}

async function seed(base: string): Promise<void> {
  const res = await fetch(`${base}/dev/seed`, {
    headers: { "X-Admin-Token": BOOTSTRAP },
  });
  assert.equal(res.status, 200, "seeded with the bootstrap token");
  await res.body?.cancel();
}

/** The sign-in form of a demo-web request: cookies and hidden fields. */
async function signInForm(
  base: string,
): Promise<{ jar: CookieJar; fields: Record<string, string> }> {
  const jar = new CookieJar();
  const { params } = demoParams();
  const res = await fetch(
    `${base}/authorize?${new URLSearchParams(
      params as Record<string, string>,
    )}`,
    { headers: { Accept: "text/html" } },
  );
  jar.capture(res);
  const { fields } = readPage(await res.text());
  assert.equal(fields._action, "login");
  return { jar, fields };
}

async function postSignIn(
  base: string,
  form: { jar: CookieJar; fields: Record<string, string> },
  password: string,
): Promise<Response> {
  return await fetch(`${base}/authorize`, {
    method: "POST",
    headers: {
      Accept: "text/html",
      Cookie: form.jar.header(),
      Origin: base,
      "Content-Type": "application/x-www-form-urlencoded",
      // Each on its own connection, so both threads serve some.
      Connection: "close",
    },
    body: new URLSearchParams({
      ...form.fields,
      username: "alice",
      password,
    }),
    redirect: "manual",
  });
}

Deno.test("budgets under concurrency: 50 wrong sign-ins at once for one account from one address against two server threads: at most the budget evaluated, no 5xx, the rest 429 with Retry-After, then the right password is refused too", async () => {
  const server = await startServer();
  try {
    await seed(server.base);
    await completeSetupOverHTTP(server.base, BOOTSTRAP);
    const form = await signInForm(server.base);
    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, async (_, i) => {
        const res = await postSignIn(server.base, form, `wrong-${i}`);
        await res.body?.cancel();
        return { status: res.status, retry: res.headers.get("Retry-After") };
      }),
    );
    const counts = tally(answers.map((a) => a.status));
    console.log(`50 wrong sign-ins at once: ${JSON.stringify(counts)}`);
    assert.equal(
      answers.filter((a) => a.status >= 500).length,
      0,
      `no 5xx: ${JSON.stringify(counts)}`,
    );
    assert.ok(
      (counts[401] ?? 0) <= BUDGETS.loginPerAccountIP.limit,
      `at most ${BUDGETS.loginPerAccountIP.limit} evaluated: ${
        JSON.stringify(counts)
      }`,
    );
    assert.equal(
      (counts[401] ?? 0) + (counts[429] ?? 0),
      AT_ONCE,
      `only 401 and 429: ${JSON.stringify(counts)}`,
    );
    for (const a of answers.filter((a) => a.status === 429)) {
      assert.ok(Number(a.retry) >= 1, "Retry-After on every 429");
    }
    // A refusal under contention errs towards "limited": whatever the burst
    // left of the budget, one at a time uses up exactly the rest.
    const evaluated = await topUp(
      counts[401] ?? 0,
      async (i) => {
        const res = await postSignIn(server.base, form, `again-${i}`);
        await res.body?.cancel();
        return res.status;
      },
    );
    assert.equal(evaluated, BUDGETS.loginPerAccountIP.limit);
    const right = await postSignIn(server.base, form, "alice");
    assert.equal(right.status, 429, "the right password from there too");
    await right.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("budgets under concurrency: 50 wrong client secrets at once against two server threads: at most the budget evaluated, no 5xx, the rest 429 with Retry-After", async () => {
  const server = await startServer();
  try {
    const created = await fetch(`${server.base}/dev/create_client`, {
      method: "POST",
      headers: {
        "X-Admin-Token": BOOTSTRAP,
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        client_id: "svc",
        grant_types: ["client_credentials"],
        scope: "profile",
      }),
    });
    assert.equal(created.status, 201);
    const { client_secret } = await created.json();
    const token = (secret: string) =>
      fetch(`${server.base}/token`, {
        method: "POST",
        headers: {
          Authorization: basic("svc", secret),
          "Content-Type": "application/x-www-form-urlencoded",
          Connection: "close",
        },
        body: "grant_type=client_credentials",
      });
    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, async (_, i) => {
        const res = await token(`wrong-${i}`);
        const body = await res.json();
        return {
          status: res.status,
          retry: res.headers.get("Retry-After"),
          error: body.error,
        };
      }),
    );
    const counts = tally(answers.map((a) => a.status));
    console.log(`50 wrong client secrets at once: ${JSON.stringify(counts)}`);
    const budget = BUDGETS.clientAuthPerClientIP.limit;
    assert.equal(
      answers.filter((a) => a.status >= 500).length,
      0,
      JSON.stringify(counts),
    );
    assert.ok((counts[401] ?? 0) <= budget, JSON.stringify(counts));
    assert.equal((counts[401] ?? 0) + (counts[429] ?? 0), AT_ONCE);
    for (const a of answers.filter((a) => a.status === 429)) {
      assert.ok(Number(a.retry) >= 1, "Retry-After on every 429");
    }
    const evaluated = await topUp(counts[401] ?? 0, async (i) => {
      const res = await token(`again-${i}`);
      await res.body?.cancel();
      return res.status;
    });
    assert.equal(evaluated, budget);
    const right = await token(client_secret);
    assert.equal(right.status, 429, "the right secret from there too");
    await right.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("budgets under concurrency: a burst of right passwords for one account from one address, larger than its budget, is served, not refused, on two server threads", async () => {
  const server = await startServer();
  try {
    await seed(server.base);
    await completeSetupOverHTTP(server.base, BOOTSTRAP);
    // Twice the per-account-and-address budget, all at once: each sign-in
    // is in flight for an argon2 verification while the others arrive.
    const burst = BUDGETS.loginPerAccountIP.limit * 2;
    const forms = await Promise.all(
      Array.from({ length: burst }, () => signInForm(server.base)),
    );
    const statuses = await Promise.all(
      forms.map(async (form) => {
        const res = await postSignIn(server.base, form, "alice");
        await res.body?.cancel();
        return res.status;
      }),
    );
    // Signed in: the consent page (200) or straight to the client (303).
    assert.equal(
      statuses.filter((s) => s === 200 || s === 303).length,
      burst,
      JSON.stringify(tally(statuses)),
    );
  } finally {
    await server.close();
  }
});

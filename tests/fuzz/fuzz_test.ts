/**
 * Property test: thousands of generated hostile requests against every
 * endpoint never answer 5xx, always answer a well-formed error (JSON with
 * `error` + `error_description` for APIs, an HTML page for browsers) with no
 * stack trace or internal path, redirect only to registered URIs, log no
 * unhandled error, and leave the database exactly as it was.
 *
 * The account pages (/account/*) are fuzzed too; their redirects go only
 * to fixed account pages (oracle.ts). The one table allowed to grow is `audit_events`, and only by
 * `admin.login_failed`, `admin.token_failed`, `setup.failed` and `sign_in.failed` rows: failed proofs are recorded on purpose so an
 * operator can see someone guessing. Deno KV rate-limit counters change
 * too (they are not in the database): failures are meant to be counted.
 *
 * Seeded: the seed is printed; `FUZZ_SEED=<n>` reproduces a run and
 * `FUZZ_COUNT=<n>` sets how many requests the main phase sends (default
 * 3000; the pre-setup phase sends an eighth of that). Two fixed companion
 * tests send the worst JSON bodies and the worst authorization and logout
 * parameters every time, whatever the seed.
 * @module
 */
import assert from "node:assert/strict";
import { startTestApp, type TestApp } from "../helpers/test_app.ts";
import { nextCase, preSetupCase } from "./cases.ts";
import {
  forbiddenChanges,
  fullDump,
  type FuzzCase,
  judgeResponse,
  type OracleContext,
  snapshot,
} from "./oracle.ts";
import { fuzzCount, fuzzSeed, Random } from "./prng.ts";
import { buildWorld, strangerWorld, type World } from "./world.ts";

const SEED = fuzzSeed();
const COUNT = fuzzCount(3000);

console.log(
  `fuzz: seed=${SEED} count=${COUNT} (reproduce: FUZZ_SEED=${SEED} FUZZ_COUNT=${COUNT})`,
);

function describe(c: FuzzCase): string {
  const body = c.body === undefined
    ? ""
    : ` body(${c.body.length})=${JSON.stringify(String(c.body).slice(0, 200))}`;
  const headers = c.headers.map(([k, v]) => `${k}: ${v.slice(0, 80)}`).join(
    " | ",
  );
  return `${c.label}\n  ${c.method} ${
    c.path.slice(0, 300)
  }\n  ip=${c.ip} ${headers}${body}`;
}

async function send(t: TestApp, c: FuzzCase): Promise<Response> {
  const req = new Request(`${t.base}${c.path}`, {
    method: c.method,
    headers: c.headers,
    body: c.method === "GET" || c.method === "HEAD" ? undefined : c.body,
    redirect: "manual",
  });
  return await t.app.fetch(req, { remoteAddr: { hostname: c.ip } });
}

interface RunStats {
  sent: number;
  byStatus: Map<number, number>;
}

/** Sends `count` cases from `gen`, judging each answer and the database. */
async function run(
  t: TestApp,
  ctx: OracleContext,
  count: number,
  gen: () => FuzzCase,
): Promise<RunStats> {
  const stats: RunStats = { sent: 0, byStatus: new Map() };
  let before = await snapshot(t.deps.db);
  // The fast snapshot reads what the shared dump helper reads.
  assert.deepEqual(before, await fullDump(t.deps.db));
  for (let i = 0; i < count; i++) {
    const c = gen();
    const logsBefore = t.logs.length;
    let res: Response;
    try {
      res = await send(t, c);
    } catch (err) {
      assert.fail(`#${i} threw out of app.fetch: ${err}\n${describe(c)}`);
    }
    stats.sent++;
    stats.byStatus.set(res.status, (stats.byStatus.get(res.status) ?? 0) + 1);
    const problems = await judgeResponse(ctx, c, res);
    const errors = t.logs.slice(logsBefore).filter((l) =>
      l.includes('"level":"error"')
    );
    for (const line of errors) problems.push(`logged: ${line.slice(0, 2000)}`);
    const after = await snapshot(t.deps.db);
    const changed = forbiddenChanges(before, after);
    if (changed.length) {
      problems.push(
        `database changed:\n    ${changed.slice(0, 10).join("\n    ")}`,
      );
    }
    before = after;
    if (problems.length) {
      assert.fail(
        `seed ${SEED}, case #${i} (status ${res.status}):\n  - ${
          problems.join("\n  - ")
        }\n${describe(c)}`,
      );
    }
  }
  return stats;
}

function summary(stats: RunStats): string {
  const statuses = [...stats.byStatus].sort(([a], [b]) => a - b)
    .map(([s, n]) => `${s}:${n}`).join(" ");
  return `${stats.sent} requests; ${statuses}`;
}

Deno.test({
  name: "fuzz: hostile requests to every endpoint never 5xx, leak or write",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const world: World = await buildWorld();
  const t = world.t;
  try {
    const ctx: OracleContext = {
      issuer: t.base,
      registeredURIs: world.registeredURIs,
      cwd: Deno.cwd(),
    };
    const r = new Random(SEED);
    const start = performance.now();
    const stats = await run(t, ctx, COUNT, () => nextCase(r, world));
    console.log(
      `fuzz (after setup): ${summary(stats)} in ${
        Math.round(performance.now() - start)
      } ms`,
    );
    // The fixture's credentials still work: nothing was consumed.
    const info = await t.fetch("/userinfo", {
      headers: { Authorization: `Bearer ${world.live.aliceAccess}` },
    });
    assert.equal(info.status, 200);
    await info.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test({
  name: "fuzz: before setup, nothing completes setup, signs in or writes",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  // Credentials shaped like real ones, none issued by this server, which
  // has only its bootstrap ADMIN_TOKEN (valid for the admin API until setup
  // is done, so admin writes are fuzzed with bodies that cannot validate).
  const bootstrap = "bootstrap-admin-token-0123456789";
  const t = await startTestApp({
    env: { ENABLE_DEV_ENDPOINTS: "true", ADMIN_TOKEN: bootstrap },
  });
  try {
    const world = strangerWorld(t, bootstrap);
    const ctx: OracleContext = {
      issuer: t.base,
      registeredURIs: [],
      cwd: Deno.cwd(),
    };
    const r = new Random(SEED ^ 0x5eed);
    const count = Math.max(1, Math.floor(COUNT / 8));
    const stats = await run(
      t,
      ctx,
      count,
      () => preSetupCase(r, world),
    );
    console.log(`fuzz (before setup): ${summary(stats)}`);
    assert.equal(await t.deps.setup.isComplete(t.deps.db), false);
  } finally {
    await t.close();
  }
});

Deno.test({
  name:
    "fuzz: the worst bodies (JSON nested 33 to 100000 deep, 1 MiB and over, unreadable forms) are 4xx on every route that reads one",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const world = await buildWorld();
  const t = world.t;
  try {
    const ctx: OracleContext = {
      issuer: t.base,
      registeredURIs: world.registeredURIs,
      cwd: Deno.cwd(),
    };
    const routes: [string, string][] = [
      ["POST", "/admin/scopes"],
      ["POST", "/admin/clients"],
      ["PATCH", "/admin/clients/demo-web"],
      ["POST", "/admin/clients/demo-web/policy"],
      ["POST", "/admin/rotate_jwk"],
      ["POST", "/admin/users"],
      ["PATCH", `/admin/users/${world.aliceID}`],
      ["POST", `/admin/users/${world.aliceID}/password`],
      ["POST", "/dev/create_client"],
    ];
    const nest = (depth: number, open: string, close: string, leaf = "1") =>
      open.repeat(depth) + leaf + close.repeat(depth);
    const bodies: [string, string][] = [];
    for (const depth of [33, 5000, 100_000]) {
      bodies.push([
        `claims array ${depth}`,
        `{"claims":{"x":${nest(depth, "[", "]")}}}`,
      ]);
      bodies.push([
        `claims object ${depth}`,
        `{"claims":{"x":${nest(depth, '{"a":', "}")}}}`,
      ]);
      bodies.push([`top array ${depth}`, nest(depth, "[", "]")]);
    }
    const mib = 1024 * 1024;
    const pad = (n: number) => `{"description":"${"a".repeat(n - 18)}"}`;
    bodies.push(["1 MiB + 1", pad(mib + 1)], ["2 MiB", pad(2 * mib)]);
    let sent = 0;
    let before = await snapshot(t.deps.db);
    for (const [method, path] of routes) {
      for (const [what, body] of bodies) {
        const c: FuzzCase = {
          label: `${method} ${path} ${what}`,
          method,
          path,
          headers: [
            ["X-Admin-Token", world.adminToken],
            ["Content-Type", "application/json"],
            ["Accept", "application/json"],
          ],
          body,
          ip: "192.0.2.10",
          surface: "api",
          expect: "4xx",
        };
        const logsBefore = t.logs.length;
        const res = await send(t, c);
        sent++;
        const problems = await judgeResponse(ctx, c, res);
        for (const line of t.logs.slice(logsBefore)) {
          if (line.includes('"level":"error"')) {
            problems.push(line.slice(0, 500));
          }
        }
        const after = await snapshot(t.deps.db);
        problems.push(...forbiddenChanges(before, after));
        before = after;
        assert.deepEqual(problems, [], `${c.label}: ${res.status}`);
      }
    }
    // Unreadable form bodies on every form route, whoever signs the request.
    const formRoutes = [
      "/admin/ui/scopes",
      "/admin/ui/clients",
      "/admin/ui/clients/demo-web",
      "/admin/ui/users",
      `/admin/ui/users/${world.aliceID}`,
      "/admin/ui/sessions",
      "/admin/ui/keys",
      "/admin/ui/accounts",
      "/admin/login",
      "/account",
      "/account/password",
      "/account/login",
      "/account/forgot",
      "/account/reset",
      "/account/verify",
      "/account/register",
      "/setup",
      "/authorize",
      "/end_session",
      "/logout",
      "/token",
      "/revoke",
      "/introspect",
      "/userinfo",
    ];
    const auths: [string, string][][] = [
      [["X-Admin-Token", world.adminToken]],
      [
        ["Cookie", `admin_sid=${world.admin.sid}; csrf=${world.admin.csrf}`],
        ["X-CSRF-Token", world.admin.csrf],
      ],
      [["Cookie", `sid=${world.bob.sid}; csrf=${world.bob.csrf}`]],
    ];
    for (const path of formRoutes) {
      for (const auth of auths) {
        for (
          const [type, body] of [
            ["multipart/form-data", `csrf_token=${world.admin.csrf}`],
            ["multipart/form-data; boundary=zz", "--zz\r\nbroken"],
            ["multipart/form-data; boundary=", "x"],
          ]
        ) {
          const c: FuzzCase = {
            label: `POST ${path} ${type} as ${auth[0][0]}`,
            method: "POST",
            path,
            headers: [...auth, ["Content-Type", type], ["Accept", "text/html"]],
            body,
            ip: "192.0.2.10",
            surface: "mixed",
            expect: "4xx",
          };
          const logsBefore = t.logs.length;
          const res = await send(t, c);
          sent++;
          const problems = await judgeResponse(ctx, c, res);
          for (const line of t.logs.slice(logsBefore)) {
            if (line.includes('"level":"error"')) {
              problems.push(line.slice(0, 500));
            }
          }
          const after = await snapshot(t.deps.db);
          problems.push(...forbiddenChanges(before, after));
          before = after;
          assert.deepEqual(problems, [], `${c.label}: ${res.status}`);
        }
      }
    }
    console.log(`fuzz (worst bodies): ${sent} requests`);
  } finally {
    await t.close();
  }
});

Deno.test({
  name:
    "fuzz: the worst authorization and logout parameters (to 1 MiB, NUL) are never reflected into a redirect",
  sanitizeResources: false,
  sanitizeOps: false,
}, async () => {
  const world = await buildWorld();
  const t = world.t;
  try {
    const ctx: OracleContext = {
      issuer: t.base,
      registeredURIs: world.registeredURIs,
      cwd: Deno.cwd(),
    };
    const base: Record<string, string> = {
      client_id: "demo-web",
      response_type: "code",
      redirect_uri: "http://localhost:3000/callback",
      scope: "openid",
      code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
      code_challenge_method: "S256",
      state: "s",
    };
    let before = await snapshot(t.deps.db);
    for (
      const name of [
        "state",
        "nonce",
        "scope",
        "login_hint",
        "prompt",
        "max_age",
        "ui_locales",
      ]
    ) {
      for (
        const value of [
          "x".repeat(2049),
          "x".repeat(70_000),
          "x".repeat(1024 * 1024 - 400),
          "a\u0000b",
        ]
      ) {
        const body = new URLSearchParams({ ...base, [name]: value }).toString();
        const c: FuzzCase = {
          label: `POST /authorize ${name} of ${value.length}`,
          method: "POST",
          path: "/authorize",
          headers: [
            ["Content-Type", "application/x-www-form-urlencoded"],
            ["Accept", "text/html"],
          ],
          body,
          ip: "192.0.2.30",
          surface: "browser",
          expect: "any",
        };
        const res = await send(t, c);
        const problems = await judgeResponse(ctx, c, res);
        const after = await snapshot(t.deps.db);
        problems.push(...forbiddenChanges(before, after));
        before = after;
        assert.deepEqual(problems, [], `${c.label}: ${res.status}`);
      }
    }
    for (const path of ["/end_session", "/logout"]) {
      for (
        const state of [
          "x".repeat(2049),
          "x".repeat(70_000),
          "x".repeat(1024 * 1024 - 400),
          "a\u0000b",
        ]
      ) {
        const c: FuzzCase = {
          label: `POST ${path} state of ${state.length}`,
          method: "POST",
          path,
          headers: [
            ["Content-Type", "application/x-www-form-urlencoded"],
            ["Accept", "text/html"],
          ],
          body: new URLSearchParams({
            client_id: "demo-web",
            post_logout_redirect_uri: "http://localhost:3000/",
            state,
          }).toString(),
          ip: "192.0.2.30",
          surface: "browser",
          expect: "any",
        };
        const res = await send(t, c);
        const problems = await judgeResponse(ctx, c, res);
        assert.deepEqual(problems, [], `${c.label}: ${res.status}`);
      }
    }
  } finally {
    await t.close();
  }
});

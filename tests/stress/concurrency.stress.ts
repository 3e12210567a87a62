/**
 * Concurrency on both engines, the app in-process (real parallelism on
 * PostgreSQL through the pool; interleaved requests over SQLite's one
 * connection):
 *
 * - 50 parallel refreshes of one refresh token: exactly one 200, 49
 *   invalid_grant, and - RFC 9700 §4.14.2 - the family revoked, the winner's
 *   new tokens included: the 49 presented a token the winner had just
 *   invalidated, and "the authorization server cannot determine which party
 *   submitted the invalid refresh token, but it will revoke the active
 *   refresh token". Concurrent presentation is reuse.
 * - 200 parallel exchanges of 200 distinct codes: 200 successes, 200
 *   distinct access, refresh and ID tokens, every code consumed once.
 * - Parallel admin edits of one client: every field of the policy and the
 *   client written at once ends as its writer set it (no lost update), also
 *   over a real port against the server with two threads (two
 *   connections), where none may be refused; and pairs of edits that are
 *   each valid alone but break a rule together (default_scopes outside
 *   allowed_scopes; a public client without PKCE) end as running them one
 *   after the other could, the rule kept.
 *
 * PostgreSQL runs in a private cluster (skipped without binaries under
 * /usr/lib/postgresql/<v>/bin).
 * @module
 */
import assert from "node:assert/strict";
import pg from "pg";
import { findToken, isTokenActive } from "../../lib/oauth/tokens/lookup.ts";
import {
  DEMO_REDIRECT,
  demoParams,
  demoTokens,
  runAuthorize,
  seedDemo,
  tokenRequest,
} from "../helpers/oauth.ts";
import { addClient } from "../helpers/clients.ts";
import {
  completeSetupFor,
  CookieJar,
  startTestApp,
  type TestApp,
} from "../helpers/test_app.ts";
import {
  admin,
  clock,
  findPostgresBin,
  type PostgresCluster,
  prepareServer,
  startPostgres,
  startServer,
  tokenHash,
} from "./stress_helpers.ts";

type Engine = "sqlite" | "postgres";

const REFRESH_PARALLEL = 50;
const REFRESH_ROUNDS = 3;
const CODE_PARALLEL = 200;
const POLICY_ROUNDS = 4;
const SKEW_CLIENTS = 10;

async function createDatabase(
  cluster: PostgresCluster,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `s_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`;
  const c = new pg.Client({ connectionString: cluster.url });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(cluster.url);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: cluster.url });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

/** A fresh app on `engine` (PostgreSQL: a new database in `cluster`). */
async function withApp(
  cluster: PostgresCluster | null,
  fn: (t: TestApp, adminToken: string) => Promise<void>,
): Promise<void> {
  const database = cluster ? await createDatabase(cluster) : null;
  const t = await startTestApp(
    database ? { env: { DATABASE_URL: database.url } } : {},
  );
  try {
    const adminToken = await completeSetupFor(t);
    await seedDemo(t);
    await fn(t, adminToken);
  } finally {
    await t.close();
    await database?.drop();
  }
}

async function active(t: TestApp, token: string): Promise<boolean> {
  const found = await findToken(t.deps.db, token, null);
  return found !== null && isTokenActive(found, t.deps.now());
}

async function refreshRace(t: TestApp, engine: Engine): Promise<void> {
  for (let round = 0; round < REFRESH_ROUNDS; round++) {
    const first = await demoTokens(t);
    const fields = {
      grant_type: "refresh_token",
      client_id: "demo-web",
      refresh_token: first.refresh_token as string,
    };
    const started = clock();
    const results = await Promise.all(
      Array.from({ length: REFRESH_PARALLEL }, () => tokenRequest(t, fields)),
    );
    const ms = clock() - started;
    const winners = results.filter((r) => r.status === 200);
    const losers = results.filter((r) => r.status !== 200);
    assert.equal(winners.length, 1, `round ${round}: exactly one 200`);
    assert.equal(losers.length, REFRESH_PARALLEL - 1);
    for (const r of losers) {
      assert.equal(r.status, 400);
      assert.equal(r.body.error, "invalid_grant");
    }
    const won = winners[0].body;
    assert.equal(typeof won.refresh_token, "string");
    // RFC 9700 §4.14.2: the 49 presented an invalidated refresh token, so
    // the family is revoked - the winner's brand-new tokens included - no
    // matter how the requests interleaved.
    for (
      const token of [
        first.access_token,
        first.refresh_token,
        won.access_token,
        won.refresh_token,
      ] as string[]
    ) {
      assert.equal(await active(t, token), false, `round ${round}: revoked`);
    }
    const again = await tokenRequest(t, {
      ...fields,
      refresh_token: won.refresh_token as string,
    });
    assert.equal(again.status, 400);
    assert.equal(again.body.error, "invalid_grant");
    // The family in the database: the presented token rotated once, one
    // successor, every row dead.
    const presented = await t.deps.db.selectFrom("refresh_tokens").selectAll()
      .where("token_hash", "=", tokenHash(first.refresh_token as string))
      .executeTakeFirstOrThrow();
    const family = await t.deps.db.selectFrom("refresh_tokens").selectAll()
      .where("grant_id", "=", presented.grant_id).execute();
    assert.equal(family.length, 2, "one successor, no more");
    assert.ok(family.every((r) => r.revoked_at !== null));
    const accessRows = await t.deps.db.selectFrom("access_tokens")
      .selectAll().where("grant_id", "=", presented.grant_id).execute();
    assert.equal(accessRows.length, 2);
    assert.ok(accessRows.every((r) => r.revoked_at !== null));
    console.log(
      `  ${engine}: ${REFRESH_PARALLEL} parallel refreshes in ${
        ms.toFixed(0)
      } ms: 1 x 200, ${losers.length} x invalid_grant, family revoked`,
    );
  }
}

async function codeExchanges(t: TestApp, engine: Engine): Promise<void> {
  const jar = new CookieJar();
  const codes: { code: string; verifier: string }[] = [];
  for (let i = 0; i < CODE_PARALLEL; i++) {
    const { params, verifier } = demoParams();
    const flow = await runAuthorize(t, params, { jar });
    const code = flow.location?.searchParams.get("code");
    assert.ok(code, `authorize ${i}: ${flow.response.status}`);
    codes.push({ code, verifier });
  }
  assert.equal(new Set(codes.map((c) => c.code)).size, CODE_PARALLEL);
  const started = clock();
  const results = await Promise.all(
    codes.map(({ code, verifier }) =>
      tokenRequest(t, {
        grant_type: "authorization_code",
        client_id: "demo-web",
        code,
        code_verifier: verifier,
        redirect_uri: DEMO_REDIRECT,
      })
    ),
  );
  const ms = clock() - started;
  const failed = results.filter((r) => r.status !== 200);
  assert.deepEqual(
    failed.map((r) => [r.status, r.body.error, r.body.error_description]),
    [],
  );
  for (const kind of ["access_token", "refresh_token", "id_token"]) {
    const values = results.map((r) => r.body[kind]);
    assert.ok(values.every((v) => typeof v === "string"), kind);
    assert.equal(new Set(values).size, CODE_PARALLEL, `distinct ${kind}s`);
  }
  for (const r of results) {
    assert.equal(await active(t, r.body.access_token as string), true);
  }
  const db = t.deps.db;
  const hashes = results.map((r) => tokenHash(r.body.access_token as string));
  const stored = await db.selectFrom("access_tokens").select("grant_id")
    .where("token_hash", "in", hashes).execute();
  assert.equal(stored.length, CODE_PARALLEL, "every access token stored");
  assert.equal(
    new Set(stored.map((r) => r.grant_id)).size,
    CODE_PARALLEL,
    "one grant per code",
  );
  const unused = await db.selectFrom("authorization_codes").select("code_hash")
    .where("consumed_at", "is", null).execute();
  assert.equal(unused.length, 0, "every code consumed");
  console.log(
    `  ${engine}: ${CODE_PARALLEL} parallel code exchanges in ${
      ms.toFixed(0)
    } ms: ${CODE_PARALLEL} x 200, all tokens distinct`,
  );
}

interface Write {
  path: "policy" | "client";
  field: string;
  value: unknown;
}

/** One write per editable field, values unique to `round`. */
function writesFor(round: number): Write[] {
  const algs = ["ES256", "EdDSA", "RS256"];
  const policy: Record<string, unknown> = {
    allowed_scopes: round % 2
      ? "openid profile email"
      : "openid profile email offline_access",
    default_scopes: round % 2 ? "openid email" : "openid profile",
    post_logout_redirect_uris: `http://localhost:3000/bye-${round}`,
    require_pkce: round % 2 === 0,
    consent_policy: ["always", "once", "skip"][round % 3],
    access_token_lifetime: 600 + round,
    refresh_token_ttl_days: 10 + round,
    token_format: round % 2 ? "jwt" : "opaque",
    id_token_signed_response_alg: algs[round % 3],
  };
  const client: Record<string, unknown> = {
    client_name: `stress client round ${round}`,
    redirect_uris: [`http://localhost:3000/cb-${round}`],
    grant_types: round % 2
      ? ["authorization_code", "refresh_token", "client_credentials"]
      : ["authorization_code", "refresh_token"],
    scope: round % 2 ? "openid profile" : "openid profile email",
    require_consent: round % 2 === 1,
    token_endpoint_auth_method: round % 2
      ? "client_secret_post"
      : "client_secret_basic",
  };
  return [
    ...Object.entries(policy).map(([field, value]) => ({
      path: "policy" as const,
      field,
      value,
    })),
    ...Object.entries(client).map(([field, value]) => ({
      path: "client" as const,
      field,
      value,
    })),
  ];
}

function adminRequest(
  t: TestApp,
  adminToken: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return t.fetch(path, {
    method,
    headers: {
      "X-Admin-Token": adminToken,
      "Content-Type": "application/json",
      Accept: "application/json",
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

function sendWrite(
  t: TestApp,
  adminToken: string,
  clientID: string,
  w: Write,
): Promise<Response> {
  return w.path === "policy"
    ? adminRequest(t, adminToken, "POST", `/admin/clients/${clientID}/policy`, {
      [w.field]: w.value,
    })
    : adminRequest(t, adminToken, "PATCH", `/admin/clients/${clientID}`, {
      [w.field]: w.value,
    });
}

async function policyEdits(
  t: TestApp,
  engine: Engine,
  adminToken: string,
): Promise<void> {
  await addClient(t, {
    client_id: "stress-policy",
    redirect_uris: ["http://localhost:3000/cb"],
    scope: "openid profile email offline_access",
    token_endpoint_auth_method: "client_secret_basic",
  });
  let writes = 0;
  for (let round = 0; round < POLICY_ROUNDS; round++) {
    const batch = writesFor(round);
    const answers = await Promise.all(
      batch.map((w) => sendWrite(t, adminToken, "stress-policy", w)),
    );
    for (const [i, res] of answers.entries()) {
      const text = await res.text();
      assert.equal(
        res.status,
        200,
        `${batch[i].path}.${batch[i].field}: ${text}`,
      );
    }
    writes += batch.length;
    const res = await adminRequest(
      t,
      adminToken,
      "GET",
      "/admin/clients/stress-policy",
    );
    const detail = await res.json();
    for (const w of batch) {
      const got = w.path === "policy"
        ? detail.policy[w.field]
        : detail[w.field];
      assert.deepEqual(got, w.value, `round ${round}: ${w.path}.${w.field}`);
    }
  }
  // Every write left its audit event (written in the write's transaction).
  const events = await t.deps.db.selectFrom("audit_events").select("action")
    .where("target_id", "=", "stress-policy")
    .where("action", "in", ["client.policy_updated", "client.updated"])
    .execute();
  assert.equal(events.length, writes);
  console.log(
    `  ${engine}: ${POLICY_ROUNDS} rounds x ${
      writesFor(0).length
    } parallel admin writes of distinct fields: none lost`,
  );
}

/**
 * Two edits each valid alone, invalid together, sent at once to each of
 * SKEW_CLIENTS clients: the outcome must be one that running them one after
 * the other could give, and the rule holds afterwards (a check-then-write
 * without a row lock lets both pass their checks against the old rows).
 */
async function ruleRaces(
  t: TestApp,
  engine: Engine,
  adminToken: string,
): Promise<void> {
  const ids = Array.from(
    { length: SKEW_CLIENTS },
    (_, i) => `stress-skew-${i}`,
  );
  for (const id of ids) {
    await addClient(t, {
      client_id: id,
      redirect_uris: ["http://localhost:3000/cb"],
      scope: "openid profile email offline_access",
      token_endpoint_auth_method: "client_secret_basic",
    });
    const res = await adminRequest(
      t,
      adminToken,
      "POST",
      `/admin/clients/${id}/policy`,
      {
        allowed_scopes: "openid profile email offline_access",
        default_scopes: "openid profile",
        require_pkce: true,
      },
    );
    assert.equal(res.status, 200, await res.text());
  }
  // default_scopes must stay within allowed_scopes.
  const scopeAnswers = await Promise.all(ids.flatMap((id) => [
    adminRequest(t, adminToken, "POST", `/admin/clients/${id}/policy`, {
      allowed_scopes: "openid profile offline_access",
    }),
    adminRequest(t, adminToken, "POST", `/admin/clients/${id}/policy`, {
      default_scopes: "openid email",
    }),
  ]));
  // A public client must keep PKCE on.
  const pkceAnswers = await Promise.all(ids.flatMap((id) => [
    adminRequest(t, adminToken, "PATCH", `/admin/clients/${id}`, {
      token_endpoint_auth_method: "none",
    }),
    adminRequest(t, adminToken, "POST", `/admin/clients/${id}/policy`, {
      require_pkce: false,
    }),
  ]));
  for (const [i, id] of ids.entries()) {
    const scopePair = scopeAnswers.slice(2 * i, 2 * i + 2).map((r) => r.status)
      .sort();
    const [toPublic, pkceOff] = pkceAnswers.slice(2 * i, 2 * i + 2);
    // Serially: narrowing allowed_scopes, then widening default_scopes
    // beyond it, is refused, and the other order too: one of the two wins.
    assert.deepEqual(scopePair, [200, 400], `${id}: one scope edit wins`);
    // Serially: going public turns PKCE on (after "PKCE off" too), and then
    // "PKCE off" is refused; so the switch always wins, the other may not.
    assert.equal(toPublic.status, 200, `${id}: the switch to public`);
    assert.ok([200, 400].includes(pkceOff.status), `${id}: PKCE off`);
    const res = await adminRequest(
      t,
      adminToken,
      "GET",
      `/admin/clients/${id}`,
    );
    const detail = await res.json();
    const allowed = String(detail.policy.allowed_scopes).split(" ");
    const defaults = String(detail.policy.default_scopes).split(" ");
    assert.deepEqual(
      defaults.filter((s) => !allowed.includes(s)),
      [],
      `${id}: default_scopes within allowed_scopes`,
    );
    assert.equal(detail.token_endpoint_auth_method, "none");
    assert.equal(detail.policy.require_pkce, true, `${id}: public => PKCE`);
  }
  for (const res of [...scopeAnswers, ...pkceAnswers]) {
    await res.body?.cancel();
  }
  console.log(
    `  ${engine}: ${SKEW_CLIENTS} x 2 conflicting edit pairs: outcomes serializable, rules hold`,
  );
}

/**
 * The same parallel edits over a real port against `deno run -A main.ts`
 * with two server threads (WORKERS=2), each with its own connection: none
 * lost, and none refused (on SQLite a deferred BEGIN made them 503).
 */
async function policyEditsOverWorkers(
  engine: Engine,
  cluster: PostgresCluster | null,
): Promise<void> {
  const database = cluster ? await createDatabase(cluster) : null;
  const dir = await Deno.makeTempDir({ prefix: "stress-workers-" });
  const server = await startServer({
    databaseURL: database?.url ?? `sqlite:///${dir}/oauth.db`,
    dir,
    env: { WORKERS: "2" },
  });
  try {
    const prep = await prepareServer(server.base);
    const id = prep.web.id;
    let writes = 0;
    for (let round = 0; round < POLICY_ROUNDS; round++) {
      const batch = writesFor(round);
      const answers = await Promise.all(
        batch.map((w) =>
          w.path === "policy"
            ? admin(
              server.base,
              prep.adminToken,
              "POST",
              `/admin/clients/${id}/policy`,
              {
                [w.field]: w.value,
              },
            )
            : admin(
              server.base,
              prep.adminToken,
              "PATCH",
              `/admin/clients/${id}`,
              {
                [w.field]: w.value,
              },
            )
        ),
      );
      for (const [i, res] of answers.entries()) {
        assert.equal(
          res.status,
          200,
          `${batch[i].path}.${batch[i].field}: ${res.text}`,
        );
      }
      writes += batch.length;
      const detail = (await admin(
        server.base,
        prep.adminToken,
        "GET",
        `/admin/clients/${id}`,
      )).json!;
      for (const w of batch) {
        const got = w.path === "policy"
          ? (detail.policy as Record<string, unknown>)[w.field]
          : detail[w.field];
        assert.deepEqual(got, w.value, `round ${round}: ${w.path}.${w.field}`);
      }
    }
    console.log(
      `  ${engine}: ${writes} admin writes over 2 server threads, ${
        writesFor(0).length
      } at a time: all 200, none lost`,
    );
  } finally {
    await server.stop();
    await database?.drop();
    await Deno.remove(dir, { recursive: true });
  }
}

async function runAll(
  t: Deno.TestContext,
  engine: Engine,
  cluster: PostgresCluster | null,
): Promise<void> {
  await t.step(
    "50 parallel refreshes of one token: one 200, 49 invalid_grant, family revoked",
    () => withApp(cluster, (app) => refreshRace(app, engine)),
  );
  await t.step(
    "200 parallel exchanges of 200 codes: 200 successes, distinct tokens",
    () => withApp(cluster, (app) => codeExchanges(app, engine)),
  );
  await t.step(
    "parallel admin edits of one client: no lost update",
    () => withApp(cluster, (app, token) => policyEdits(app, engine, token)),
  );
  await t.step(
    "parallel admin edits over a real port, 2 server threads: none lost or refused",
    () => policyEditsOverWorkers(engine, cluster),
  );
  await t.step(
    "conflicting parallel admin edits: serializable outcome, the rules hold",
    () => withApp(cluster, (app, token) => ruleRaces(app, engine, token)),
  );
}

Deno.test("stress: concurrency on SQLite", async (t) => {
  await runAll(t, "sqlite", null);
});

const PG_BIN = findPostgresBin();

Deno.test({
  name: PG_BIN
    ? "stress: concurrency on PostgreSQL"
    : "stress: concurrency on PostgreSQL (skipped: no PostgreSQL binaries under /usr/lib/postgresql/*/bin)",
  ignore: PG_BIN === null,
  async fn(t) {
    const cluster = await startPostgres(PG_BIN!);
    try {
      await runAll(t, "postgres", cluster);
    } finally {
      await cluster.destroy();
    }
  },
});

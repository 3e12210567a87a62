/**
 * `deno task admin …` as a person or a script runs it: the real CLI in its
 * own process (with the task's exact permissions) against the server on a
 * free loopback port, checking what it prints and its exit status.
 */
import assert from "node:assert/strict";
import { basic } from "../helpers/clients.ts";
import { canSignIn, tokenRequest } from "../helpers/oauth.ts";
import type { TestApp } from "../helpers/test_app.ts";
import { type AdminFixture, startAdminApp } from "../admin/admin_fixture.ts";

const ROOT = new URL("../../", import.meta.url);

/** The `admin` task's command line from deno.json, deno resolved. */
const TASK: string[] = await (async () => {
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", ROOT)),
  );
  const [deno, ...args] = (config.tasks.admin as string).split(" ");
  assert.equal(deno, "deno");
  return args;
})();

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface CLIOptions {
  env?: Record<string, string>;
  stdin?: string;
}

/** Runs the CLI against `f`'s server with its admin token. */
async function cli(
  f: AdminFixture,
  args: string[],
  options: CLIOptions = {},
): Promise<Run> {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...TASK, ...args],
    cwd: ROOT,
    env: {
      AUTH_SERVER_URL: f.t.base,
      AUTH_SERVER_ADMIN_TOKEN: f.token,
      NO_COLOR: "1",
      ...options.env,
    },
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(options.stdin));
    await writer.close();
  }
  const out = await child.output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return {
    code: out.code,
    stdout: decode(out.stdout),
    stderr: decode(out.stderr),
  };
}

function assertOK(run: Run, what: string): void {
  assert.equal(run.code, 0, `${what}: ${run.stderr}`);
}

/** The rows of a table, split on runs of two or more spaces. */
function rows(stdout: string): string[][] {
  return stdout.trimEnd().split("\n").map((line) => line.split(/ {2,}/));
}

async function withServer(
  fn: (f: AdminFixture) => Promise<void>,
): Promise<void> {
  const f = await startAdminApp({ listen: true });
  try {
    await fn(f);
  } finally {
    await f.t.close();
  }
}

async function clientCredentials(
  t: TestApp,
  id: string,
  secret: string,
): Promise<number> {
  const res = await tokenRequest(t, { grant_type: "client_credentials" }, {
    Authorization: basic(id, secret),
  });
  return res.status;
}

Deno.test("admin cli: help prints every group on stdout (exit 0); bad usage is exit 2 with a sentence on stderr and nothing sent", async () => {
  await withServer(async (f) => {
    const help = await cli(f, ["help"]);
    assertOK(help, "help");
    for (const group of ["clients", "users", "scopes", "keys"]) {
      assert.match(help.stdout, new RegExp(`^${group}: `, "m"));
    }
    assert.match(help.stdout, /AUTH_SERVER_ADMIN_TOKEN/);
    const commandHelp = await cli(f, ["clients", "create", "--help"]);
    assertOK(commandHelp, "clients create --help");
    assert.match(commandHelp.stdout, /^Usage: deno task admin clients create/);

    const before = (await f.api("GET", "/admin/audit")).body.events.length;
    const cases: [string[], RegExp][] = [
      [[], /name a command/],
      [["widgets", "list"], /unknown command group: widgets/],
      [["clients"], /name a clients command: list, show, create/],
      [["clients", "frobnicate"], /unknown clients command: frobnicate/],
      [["clients", "list", "--bogus"], /Unknown option '--bogus'/],
      [["clients", "show"], /clients show needs <client_id>/],
      [["clients", "list", "extra"], /clients list takes no arguments/],
      [["keys", "rotate", "--alg"], /argument missing/],
      [["clients", "create", "--data", "[1]"], /--data must be a JSON object/],
      [["users", "create", "dave"], /--password-stdin/],
    ];
    for (const [args, message] of cases) {
      const run = await cli(f, args);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message, args.join(" "));
      assert.match(run.stderr, /^error: /);
      assert.equal(run.stdout, "", args.join(" "));
    }
    const noToken = await cli(f, ["clients", "list"], {
      env: { AUTH_SERVER_ADMIN_TOKEN: "" },
    });
    assert.equal(noToken.code, 2);
    assert.match(noToken.stderr, /no admin token: set AUTH_SERVER_ADMIN_TOKEN/);
    const badURL = await cli(f, ["clients", "list", "--url", "ftp://x"]);
    assert.equal(badURL.code, 2);
    assert.match(badURL.stderr, /not an http\(s\) URL/);
    // None of it reached the server as a write.
    const after = (await f.api("GET", "/admin/audit")).body.events.length;
    assert.equal(after, before);
  });
});

Deno.test("admin cli: a wrong admin token is exit 1 with the server's sentence on stderr; an unreachable server is exit 1 too", async () => {
  await withServer(async (f) => {
    const wrong = await cli(f, ["clients", "list"], {
      env: { AUTH_SERVER_ADMIN_TOKEN: "not-the-admin-token" },
    });
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stdout, "");
    assert.equal(
      wrong.stderr,
      "error: invalid admin token (HTTP 401 unauthorized)\n",
    );
    // --token wins over the environment.
    const flag = await cli(f, ["clients", "list", "--token", f.token], {
      env: { AUTH_SERVER_ADMIN_TOKEN: "not-the-admin-token" },
    });
    assertOK(flag, "--token");
    // A token may start with a dash: it is the value, not an option; so may
    // a key id or client id given as an argument.
    const dashedID = await cli(f, ["clients", "show", "-no-such-client"]);
    assert.equal(dashedID.code, 1);
    assert.equal(
      dashedID.stderr,
      "error: unknown client: -no-such-client (HTTP 404 not_found)\n",
    );
    const dashed = await cli(f, ["clients", "list", "--token", "-x" + f.token]);
    assert.equal(dashed.code, 1);
    assert.equal(
      dashed.stderr,
      "error: invalid admin token (HTTP 401 unauthorized)\n",
    );

    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closed = `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
    listener.close();
    const down = await cli(f, ["keys", "list", "--url", closed]);
    assert.equal(down.code, 1);
    assert.match(down.stderr, new RegExp(`^error: cannot reach ${closed}: `));
    assert.match(down.stderr, /Connection refused/);
  });
});

Deno.test("admin cli: clients create/list/show/rotate-secret/delete; the printed secret is the one the token endpoint accepts", async () => {
  await withServer(async (f) => {
    const created = await cli(f, [
      "clients",
      "create",
      "--id",
      "reports",
      "--name",
      "Reports",
      "--grant-type",
      "client_credentials",
      "--scope",
      "openid",
      "--data",
      '{"access_token_lifetime":600}',
    ]);
    assertOK(created, "create");
    const secret = created.stdout.match(/^client_secret: +(\S+)$/m)?.[1];
    assert.ok(secret, created.stdout);
    assert.match(created.stdout, /^client_type: +confidential$/m);
    assert.match(created.stdout, /^policy\.access_token_lifetime: +600$/m);
    assert.match(created.stderr, /shown only now/);
    assert.equal(await clientCredentials(f.t, "reports", secret), 200);

    const list = await cli(f, ["clients", "list"]);
    assertOK(list, "list");
    const table = rows(list.stdout);
    assert.deepEqual(table[0], [
      "CLIENT_ID",
      "TYPE",
      "NAME",
      "GRANT_TYPES",
      "REDIRECT_URIS",
    ]);
    assert.deepEqual(
      table.find((r) => r[0] === "reports"),
      ["reports", "confidential", "Reports", "client_credentials", "-"],
    );
    assert.ok(table.some((r) => r[0] === "demo-web" && r[1] === "public"));

    const json = await cli(f, ["--json", "clients", "show", "reports"]);
    assertOK(json, "show --json");
    const shown = JSON.parse(json.stdout);
    assert.equal(shown.client_id, "reports");
    assert.equal(shown.policy.access_token_lifetime, 600);
    assert.equal(shown.client_secret, undefined);

    const rotated = await cli(f, ["clients", "rotate-secret", "reports"]);
    assertOK(rotated, "rotate-secret");
    const fresh = rotated.stdout.match(/^client_secret: +(\S+)$/m)?.[1];
    assert.ok(fresh && fresh !== secret, rotated.stdout);
    assert.equal(await clientCredentials(f.t, "reports", fresh), 200);
    assert.equal(await clientCredentials(f.t, "reports", secret), 401);

    const publicSecret = await cli(f, ["clients", "rotate-secret", "demo-web"]);
    assert.equal(publicSecret.code, 1);
    assert.match(publicSecret.stderr, /public clients .* have no secret/);

    const bad = await cli(f, [
      "clients",
      "create",
      "--redirect-uri",
      "http://app.example.com/cb",
      "--consent",
      "sometimes",
    ]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, "");
    // The first problem as the sentence, every problem on its own line.
    const lines = bad.stderr.trimEnd().split("\n");
    assert.match(lines[0], /^error: redirect_uris: .*use https \(HTTP 400/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(":")[0]), [
      "  consent_policy",
    ]);

    const deleted = await cli(f, ["clients", "delete", "reports"]);
    assertOK(deleted, "delete");
    assert.equal(deleted.stdout, "client reports deleted\n");
    const gone = await cli(f, ["clients", "show", "reports"]);
    assert.equal(gone.code, 1);
    assert.equal(
      gone.stderr,
      "error: unknown client: reports (HTTP 404 not_found)\n",
    );
  });
});

Deno.test("admin cli: users create (password on stdin), list, set-password, lock and unlock change who can sign in", async () => {
  await withServer(async (f) => {
    const created = await cli(
      f,
      [
        "users",
        "create",
        "carol",
        "--email",
        "carol@example.com",
        "--password-stdin",
      ],
      { stdin: "first passphrase\n" },
    );
    assertOK(created, "create");
    assert.match(created.stdout, /^username: +carol$/m);
    assert.match(created.stdout, /^locked: +false$/m);
    assert.ok(await canSignIn(f.t, "carol", "first passphrase"));

    const list = await cli(f, ["users", "list"]);
    assertOK(list, "list");
    assert.deepEqual(rows(list.stdout).map((r) => r[0]), [
      "USERNAME",
      "alice",
      "bob",
      "carol",
    ]);

    const set = await cli(f, [
      "users",
      "set-password",
      "carol",
      "--password-stdin",
    ], {
      stdin: "second passphrase\n",
    });
    assertOK(set, "set-password");
    assert.match(set.stdout, /password of carol set/);
    assert.ok(!(await canSignIn(f.t, "carol", "first passphrase")));
    assert.ok(await canSignIn(f.t, "carol", "second passphrase"));

    const short = await cli(f, [
      "users",
      "set-password",
      "carol",
      "--password",
      "short",
    ]);
    assert.equal(short.code, 1);
    assert.match(short.stderr, /^warning: --password is visible/);
    assert.match(
      short.stderr,
      /^error: password: must be at least 8 characters/m,
    );

    const lock = await cli(f, ["users", "lock", "carol"]);
    assertOK(lock, "lock");
    assert.match(lock.stdout, /user carol locked/);
    assert.ok(!(await canSignIn(f.t, "carol", "second passphrase")));
    const shown = await cli(f, ["users", "show", "CAROL", "--json"]);
    assertOK(shown, "show");
    assert.equal(JSON.parse(shown.stdout).disabled, true);

    const unlock = await cli(f, [
      "users",
      "unlock",
      JSON.parse(shown.stdout).id,
    ]);
    assertOK(unlock, "unlock by id");
    assert.ok(await canSignIn(f.t, "carol", "second passphrase"));

    const taken = await cli(
      f,
      ["users", "create", "Carol", "--password-stdin"],
      {
        stdin: "whatever passphrase",
      },
    );
    assert.equal(taken.code, 1);
    assert.match(
      taken.stderr,
      /username Carol is taken \(it is the same name as carol[^)]*\) \(HTTP 409 conflict\)/,
    );

    assertOK(await cli(f, ["users", "delete", "carol"]), "delete");
    const gone = await cli(f, ["users", "show", "carol"]);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, "error: no user has the username or id carol\n");
  });
});

Deno.test("admin cli: scopes upsert/list/delete and keys rotate/list/retire/delete, in tables and --json", async () => {
  await withServer(async (f) => {
    const created = await cli(f, [
      "scopes",
      "upsert",
      "files.read",
      "--description",
      "Read your files",
      "--claims",
      "files quota",
    ]);
    assertOK(created, "upsert");
    assert.equal(created.stdout, "scope files.read created\n");
    const updated = await cli(f, [
      "scopes",
      "upsert",
      "files.read",
      "--claims",
      "files",
    ]);
    assert.equal(updated.stdout, "scope files.read updated\n");
    const list = await cli(f, ["scopes", "list"]);
    assert.deepEqual(
      rows(list.stdout).find((r) => r[0] === "files.read"),
      ["files.read", "Read your files", "files"],
    );
    const builtIn = await cli(f, ["scopes", "delete", "openid"]);
    assert.equal(builtIn.code, 1);
    assert.match(
      builtIn.stderr,
      /openid is a built-in .*\(HTTP 409 conflict\)/,
    );
    assertOK(await cli(f, ["scopes", "delete", "files.read"]), "delete");
    const scopes = JSON.parse(
      (await cli(f, ["scopes", "list", "--json"])).stdout,
    );
    assert.ok(!scopes.some((s: { name: string }) => s.name === "files.read"));

    const rotated = await cli(f, [
      "keys",
      "rotate",
      "--alg",
      "ES256",
      "--json",
    ]);
    assertOK(rotated, "rotate");
    const jwk = JSON.parse(rotated.stdout);
    assert.equal(jwk.alg, "ES256");
    assert.equal(jwk.d, undefined);
    const keys = rows((await cli(f, ["keys", "list"])).stdout);
    assert.deepEqual(keys[0], [
      "KID",
      "ALG",
      "STATUS",
      "CREATED_AT",
      "ACTIVATES_AT",
      "RETIRED_AT",
    ]);
    assert.deepEqual(keys.find((r) => r[0] === jwk.kid)?.slice(1, 3), [
      "ES256",
      "active",
    ]);
    const retired = await cli(f, ["keys", "retire", jwk.kid]);
    assert.equal(retired.stdout, `key ${jwk.kid} retired\n`);
    const early = await cli(f, ["keys", "delete", jwk.kid]);
    assert.equal(early.code, 1);
    assert.match(early.stderr, /may still verify unexpired tokens.*force=true/);
    assertOK(await cli(f, ["keys", "delete", jwk.kid, "--force"]), "delete");
    const jwks = await (await f.t.fetch("/.well-known/jwks.json")).json();
    assert.ok(!jwks.keys.some((k: { kid: string }) => k.kid === jwk.kid));

    const [rs256] = JSON.parse(
      (await cli(f, ["keys", "list", "--json"])).stdout,
    );
    const last = await cli(f, ["keys", "retire", rs256.kid]);
    assert.equal(last.code, 1);
    assert.match(last.stderr, /last active RS256 key cannot be retired/);
  });
});

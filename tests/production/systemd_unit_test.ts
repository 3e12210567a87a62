/**
 * deploy/authorization-server.service: systemd accepts it
 * (`systemd-analyze verify`), rates its sandbox as hardened
 * (`systemd-analyze security --offline`), and the command and environment
 * it gives start the server: run here with the unit's own Deno flags and
 * variables, its directories moved to a temporary place, an empty DENO_DIR
 * and two worker threads. Without systemd-analyze only the last part runs.
 */
import assert from "node:assert/strict";
import { freePort } from "../helpers/server_process.ts";
import { installed, ROOT, spawnServer, troubleIn } from "./server.ts";

const UNIT = new URL("deploy/authorization-server.service", ROOT);
const STATE = "/var/lib/authorization-server";
const CACHE = "/var/cache/authorization-server";

/** The unit's `Key=value` lines of one section, in order. */
function directives(text: string, section: string): [string, string][] {
  const out: [string, string][] = [];
  let current = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const header = line.match(/^\[(\w+)\]$/);
    if (header) {
      current = header[1];
      continue;
    }
    const eq = line.indexOf("=");
    if (current === section && eq > 0) {
      out.push([line.slice(0, eq), line.slice(eq + 1)]);
    }
  }
  return out;
}

async function analyze(
  args: string[],
): Promise<{ code: number; output: string }> {
  const out = await new Deno.Command("systemd-analyze", {
    args,
    env: { SYSTEMD_COLORS: "0" },
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    output: decoder.decode(out.stdout) + decoder.decode(out.stderr),
  };
}

const text = await Deno.readTextFile(UNIT);
const service = directives(text, "Service");
const values = (key: string) =>
  service.filter(([k]) => k === key).map(([, v]) => v);

Deno.test("systemd unit: a made-up user, a read-only system, state only in its StateDirectory", () => {
  assert.deepEqual(values("DynamicUser"), ["yes"]);
  assert.deepEqual(values("ProtectSystem"), ["strict"]);
  assert.deepEqual(values("NoNewPrivileges"), ["yes"]);
  assert.deepEqual(values("StateDirectory"), ["authorization-server"]);
  assert.deepEqual(values("CapabilityBoundingSet"), [""]);
  // Everything the server writes is under the state directory, and Deno is
  // allowed to write nowhere else.
  const exec = values("ExecStart")[0];
  assert.match(exec, new RegExp(`--allow-write=${STATE}(\\s|$)`));
  assert.doesNotMatch(exec, /--allow-run|(\s|^)-A(\s|$)|--allow-all/);
  const env = values("Environment").join(" ");
  assert.match(env, new RegExp(`DATABASE_URL=sqlite:///${STATE}/`));
  assert.match(env, new RegExp(`DENO_KV_PATH=${STATE}/`));
});

Deno.test({
  name:
    "systemd unit: systemd-analyze verifies it and rates its exposure at most 2.0 (skipped without systemd-analyze)",
  ignore: !installed("systemd-analyze"),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "systemd-unit-" });
    try {
      // verify also checks that ExecStart's program exists: point it at
      // this machine's deno.
      const unit = `${dir}/authorization-server.service`;
      await Deno.writeTextFile(
        unit,
        text.replace("/usr/local/bin/deno", Deno.execPath()),
      );
      const verified = await analyze(["verify", unit]);
      assert.equal(verified.code, 0, verified.output);
      // (other units of the machine may draw remarks of their own)
      assert.deepEqual(
        verified.output.split("\n").filter((l) =>
          l.includes("authorization-server")
        ),
        [],
      );
      const security = await analyze(["security", "--offline=true", unit]);
      const level = security.output.match(
        /Overall exposure level for authorization-server\.service: ([\d.]+)/,
      );
      assert.ok(level, security.output);
      assert.ok(Number(level[1]) <= 2.0, security.output);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** The unit's Environment= assignments (no quoting is used in it). */
function environment(
  rewrite: (value: string) => string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of values("Environment")) {
    for (const assignment of line.split(/\s+/)) {
      const eq = assignment.indexOf("=");
      env[assignment.slice(0, eq)] = rewrite(assignment.slice(eq + 1));
    }
  }
  return env;
}

Deno.test("systemd unit: its ExecStart flags and Environment start the server (no downloads, no other writes, WORKERS=2)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "systemd-run-" });
  const rewrite = (s: string) =>
    s.replaceAll(STATE, `${dir}/state`).replaceAll(CACHE, `${dir}/cache`)
      .replaceAll("%d", `${dir}/credentials`);
  try {
    for (const d of ["state", "cache", "credentials"]) {
      await Deno.mkdir(`${dir}/${d}`);
    }
    // What LoadCredential=app_secret:… hands the service.
    await Deno.writeTextFile(
      `${dir}/credentials/app_secret`,
      "systemd-credential-secret-0123456789abcdefghij\n",
    );
    const [program, ...args] = rewrite(values("ExecStart")[0]).split(/\s+/);
    assert.equal(program, "/usr/local/bin/deno");
    const port = freePort();
    const env = environment(rewrite);
    const server = await spawnServer({
      port,
      args,
      env: { ...env, PORT: String(port), WORKERS: "2" },
      clearEnv: true,
    });
    try {
      assert.deepEqual(troubleIn(server.log()), []);
      const discovery = await fetch(
        `${server.base}/.well-known/openid-configuration`,
      );
      assert.equal(discovery.status, 200);
      await discovery.body?.cancel();
      const written = [...Deno.readDirSync(`${dir}/state`)].map((e) => e.name);
      assert.ok(written.includes("oauth.db"), written.join(","));
      assert.ok(written.some((n) => n.startsWith("kv.sqlite")));
    } finally {
      assert.equal(await server.stop(), 0, server.log());
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

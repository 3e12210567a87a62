import assert from "node:assert/strict";
import type { CLIIO } from "./command.ts";
import { EXIT, runAdminCLI } from "./main.ts";

/** An IO that records output; any request fails the test. */
function recording(env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CLIIO = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    readStdin: () => Promise.resolve(""),
    env: (name) => env[name],
    fetch: () => {
      throw new Error("no request expected");
    },
  };
  return { io, out, err };
}

async function usageError(args: string[]): Promise<string> {
  const { io, out, err } = recording({ AUTH_SERVER_ADMIN_TOKEN: "t" });
  assert.equal(await runAdminCLI(args, io), EXIT.usage, args.join(" "));
  assert.deepEqual(out, []);
  return err.join("");
}

Deno.test("admin cli args: global options may come first; their values are not taken for the command", async () => {
  assert.match(
    await usageError(["--url", "http://127.0.0.1:1", "clients", "show"]),
    /clients show needs <client_id>/,
  );
  assert.match(
    await usageError(["--json", "--token=x", "keys", "retire"]),
    /keys retire needs <kid>/,
  );
  // A command option's value that looks like a command word stays a value.
  assert.match(
    await usageError(["clients", "create", "--name", "list", "extra"]),
    /clients create takes no arguments/,
  );
});

Deno.test("admin cli args: options of another command are refused", async () => {
  assert.match(
    await usageError(["keys", "list", "--alg", "ES256"]),
    /Unknown option '--alg'/,
  );
  assert.match(
    await usageError([
      "clients",
      "create",
      "--public",
      "--auth-method",
      "client_secret_post",
    ]),
    /--public means --auth-method none/,
  );
});

Deno.test("admin cli args: --help and help print usage on stdout and exit 0", async () => {
  for (const args of [["help"], ["--help"], ["-h"]]) {
    const { io, out, err } = recording();
    assert.equal(await runAdminCLI(args, io), EXIT.ok);
    assert.match(out.join(""), /^Usage: deno task admin /);
    assert.deepEqual(err, []);
  }
});

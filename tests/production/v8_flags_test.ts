/**
 * Every launcher of the server passes the V8 flags of lib/v8_flags.ts: V8
 * reads them only at process start, so a launcher without them runs a
 * slower server than the one measured.
 */
import assert from "node:assert/strict";
import { SERVER_V8_FLAGS, serverStartArgs } from "../../lib/v8_flags.ts";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => Deno.readTextFile(new URL(path, ROOT));

function assertCarries(launcher: string, command: string): void {
  const words = command.split(/[\s",[\]\\]+/).filter(Boolean);
  const main = words.indexOf("main.ts");
  assert.ok(main > 0, `${launcher} starts main.ts: ${command}`);
  for (const flag of SERVER_V8_FLAGS) {
    const at = words.indexOf(flag);
    assert.ok(
      at > 0 && at < main,
      `${launcher} passes ${flag} before main.ts: ${command}`,
    );
  }
}

Deno.test("V8 flags: deno task start, the Containerfile's CMD and the systemd unit's ExecStart all pass them; the bench and tests start what deno task start runs", async () => {
  const tasks = JSON.parse(await read("deno.json")).tasks;
  assertCarries("deno task start", tasks.start);
  assert.equal(tasks.start, ["deno", ...serverStartArgs()].join(" "));

  const containerfile = await read("Containerfile");
  const cmd = containerfile.match(/^CMD \[[\s\S]*?\]$/m);
  assert.ok(cmd, "the Containerfile has a CMD");
  assertCarries("the Containerfile's CMD", cmd[0]);

  const unit = await read("deploy/authorization-server.service");
  const exec = unit.match(/^ExecStart=(.*)$/m);
  assert.ok(exec, "the unit has an ExecStart");
  assertCarries("the unit's ExecStart", exec[1]);
});

/**
 * `deno task admin …`: the admin API from a terminal (lib/admin_cli/).
 * `deno task admin help` lists the commands.
 */
import { runAdminCLI } from "../lib/admin_cli/main.ts";

const encoder = new TextEncoder();

async function readStdin(): Promise<string> {
  return await new Response(Deno.stdin.readable).text();
}

Deno.exit(
  await runAdminCLI(Deno.args, {
    out: (text) => Deno.stdout.writeSync(encoder.encode(text)),
    err: (text) => Deno.stderr.writeSync(encoder.encode(text)),
    readStdin,
    env: (name) => Deno.env.get(name),
  }),
);

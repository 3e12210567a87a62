/**
 * `deno task admin keys …`: list, rotate, retire, delete, over /admin/keys.
 * A rotated key is published at once and signs from `activates_at` (after
 * the JWKS max-age); a retired key stays in the JWKS so the tokens it
 * signed still verify.
 * @module
 */
import {
  type CommandGroup,
  listCommand,
  printJSON,
  stringOption,
} from "./command.ts";
import { time } from "./output.ts";

// deno-lint-ignore no-explicit-any
type Key = Record<string, any>;

function keyPath(kid: string): string {
  return `/admin/keys/${encodeURIComponent(kid)}`;
}

export const KEYS: CommandGroup = {
  name: "keys",
  summary: "signing keys (the JWKS)",
  commands: [
    listCommand({
      summary: "list signing keys, active first",
      path: "/admin/keys",
      headers: [
        "kid",
        "alg",
        "status",
        "created_at",
        "activates_at",
        "retired_at",
      ],
      row: (k: Key) => [
        k.kid,
        k.alg,
        k.status,
        time(k.created_at),
        time(k.activates_at),
        time(k.retired_at),
      ],
    }),
    {
      name: "rotate",
      usage: "[--alg RS256|ES256|EdDSA]",
      summary: "publish a new key; it signs after the JWKS max-age, when " +
        "the previous key of that alg retires (it stays in the JWKS)",
      options: { alg: { type: "string" } },
      async run(ctx) {
        const alg = stringOption(ctx.options, "alg");
        const { body } = await ctx.api.request(
          "POST",
          "/admin/keys/rotate",
          alg === undefined ? {} : { alg },
        );
        if (ctx.json) return printJSON(ctx.io, body);
        ctx.io.out(
          body.status === "pending"
            ? `new ${body.alg} key ${body.kid} is published; it signs from ${
              time(body.activates_at)
            }\n`
            : `new ${body.alg} key ${body.kid} is active\n`,
        );
      },
    },
    {
      name: "retire",
      usage: "<kid>",
      summary: "stop signing with a key (it stays in the JWKS)",
      args: ["kid"],
      async run(ctx) {
        const { body } = await ctx.api.request(
          "POST",
          `${keyPath(ctx.args[0])}/retire`,
        );
        if (ctx.json) return printJSON(ctx.io, body);
        ctx.io.out(`key ${body.kid} retired\n`);
      },
    },
    {
      name: "delete",
      usage: "<kid> [--force]",
      summary: "remove a retired key from the JWKS (--force within 24 h of " +
        "retiring it)",
      args: ["kid"],
      options: { force: { type: "boolean" } },
      async run(ctx) {
        const force = ctx.options.force === true ? "?force=true" : "";
        await ctx.api.request("DELETE", `${keyPath(ctx.args[0])}${force}`);
        if (!ctx.json) ctx.io.out(`key ${ctx.args[0]} deleted\n`);
      },
    },
  ],
};

/**
 * `deno task admin scopes …`: list, upsert, delete, over /admin/scopes.
 * @module
 */
import {
  type CommandGroup,
  listCommand,
  printJSON,
  stringOption,
} from "./command.ts";
import { list } from "./output.ts";

// deno-lint-ignore no-explicit-any
type Scope = Record<string, any>;

export const SCOPES: CommandGroup = {
  name: "scopes",
  summary: "scopes and the claims they release",
  commands: [
    listCommand({
      summary: "list scopes",
      path: "/admin/scopes",
      headers: ["name", "description", "claims"],
      row: (s: Scope) => [s.name, s.description, list(s.claims)],
    }),
    {
      name: "upsert",
      usage: "<name> [--description TEXT] [--claims 'a b']",
      summary: "create a scope, or update the fields given",
      args: ["name"],
      options: {
        description: { type: "string" },
        claims: { type: "string" },
      },
      async run(ctx) {
        const description = stringOption(ctx.options, "description");
        const claims = stringOption(ctx.options, "claims");
        const { status, body } = await ctx.api.request(
          "POST",
          "/admin/scopes",
          {
            name: ctx.args[0],
            ...(description !== undefined ? { description } : {}),
            ...(claims !== undefined ? { claims } : {}),
          },
        );
        if (ctx.json) return printJSON(ctx.io, body);
        ctx.io.out(
          `scope ${body.name} ${status === 201 ? "created" : "updated"}\n`,
        );
      },
    },
    {
      name: "delete",
      usage: "<name>",
      summary: "delete a scope no client policy uses",
      args: ["name"],
      async run(ctx) {
        await ctx.api.request(
          "DELETE",
          `/admin/scopes/${encodeURIComponent(ctx.args[0])}`,
        );
        if (!ctx.json) ctx.io.out(`scope ${ctx.args[0]} deleted\n`);
      },
    },
  ],
};

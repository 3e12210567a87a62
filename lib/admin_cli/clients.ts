/**
 * `deno task admin clients …`: list, show, create, delete, rotate-secret,
 * over /admin/clients (docs/admin_api.md).
 * @module
 */
import {
  type CommandContext,
  type CommandGroup,
  listCommand,
  listOption,
  printJSON,
  stringOption,
  UsageError,
} from "./command.ts";
import { list, record, time } from "./output.ts";

// deno-lint-ignore no-explicit-any
type Client = Record<string, any>;

const SECRET_NOTE = "The client secret is shown only now: store it safely.\n";

function clientPath(id: string): string {
  return `/admin/clients/${encodeURIComponent(id)}`;
}

function printClient(ctx: CommandContext, client: Client): void {
  const entries: [string, string | number | boolean | null][] = [
    ["client_id", client.client_id],
    ["client_name", client.client_name],
    ["client_type", client.client_type],
    ["token_endpoint_auth_method", client.token_endpoint_auth_method],
    ["redirect_uris", list(client.redirect_uris)],
    ["grant_types", list(client.grant_types)],
    ["scope", client.scope],
    ["require_consent", client.require_consent],
    ["created_at", time(client.created_at)],
    ["updated_at", time(client.updated_at)],
  ];
  if (client.policy) {
    for (const [key, value] of Object.entries(client.policy)) {
      entries.push([`policy.${key}`, value as string | number | boolean]);
    }
  }
  if (client.client_secret) {
    entries.push(["client_secret", client.client_secret]);
  }
  ctx.io.out(record(entries));
  if (client.client_secret) ctx.io.err(SECRET_NOTE);
}

/** The JSON of `--data`, an object of extra client metadata. */
function dataOption(ctx: CommandContext): Record<string, unknown> {
  const data = stringOption(ctx.options, "data");
  if (data === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    throw new UsageError("--data must be a JSON object");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError("--data must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

/** Client metadata from the flags of `clients create`. */
function metadataFrom(ctx: CommandContext): Record<string, unknown> {
  const o = ctx.options;
  const method = stringOption(o, "auth-method");
  if (o.public === true && method !== undefined && method !== "none") {
    throw new UsageError("--public means --auth-method none");
  }
  const fields: Record<string, unknown> = {
    client_id: stringOption(o, "id"),
    client_name: stringOption(o, "name"),
    redirect_uris: listOption(o, "redirect-uri"),
    grant_types: listOption(o, "grant-type"),
    scope: stringOption(o, "scope"),
    token_endpoint_auth_method: o.public === true ? "none" : method,
    consent_policy: stringOption(o, "consent"),
  };
  const body = dataOption(ctx);
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) body[key] = value;
  }
  return body;
}

export const CLIENTS: CommandGroup = {
  name: "clients",
  summary: "OAuth clients and their secrets",
  commands: [
    listCommand({
      summary: "list clients",
      path: "/admin/clients",
      headers: ["client_id", "type", "name", "grant_types", "redirect_uris"],
      row: (c: Client) => [
        c.client_id,
        c.client_type,
        c.client_name,
        list(c.grant_types),
        list(c.redirect_uris),
      ],
    }),
    {
      name: "show",
      usage: "<client_id>",
      summary: "a client and its policy",
      args: ["client_id"],
      async run(ctx) {
        const { body } = await ctx.api.request("GET", clientPath(ctx.args[0]));
        if (ctx.json) return printJSON(ctx.io, body);
        printClient(ctx, body);
      },
    },
    {
      name: "create",
      usage: "[--id ID] [--name NAME] [--redirect-uri URI]... " +
        "[--grant-type TYPE]... [--scope 'a b'] [--public | --auth-method " +
        "METHOD] [--consent always|once|skip] [--data JSON]",
      summary: "register a client (a confidential one's secret is shown " +
        "once); --data adds any other metadata or policy field",
      options: {
        id: { type: "string" },
        name: { type: "string" },
        "redirect-uri": { type: "string", multiple: true },
        "grant-type": { type: "string", multiple: true },
        scope: { type: "string" },
        public: { type: "boolean" },
        "auth-method": { type: "string" },
        consent: { type: "string" },
        data: { type: "string" },
      },
      async run(ctx) {
        const { body } = await ctx.api.request(
          "POST",
          "/admin/clients",
          metadataFrom(ctx),
        );
        if (ctx.json) {
          printJSON(ctx.io, body);
          if (body.client_secret) ctx.io.err(SECRET_NOTE);
          return;
        }
        printClient(ctx, body);
      },
    },
    {
      name: "delete",
      usage: "<client_id>",
      summary: "delete a client with its policy, tokens and consents",
      args: ["client_id"],
      async run(ctx) {
        await ctx.api.request("DELETE", clientPath(ctx.args[0]));
        if (!ctx.json) ctx.io.out(`client ${ctx.args[0]} deleted\n`);
      },
    },
    {
      name: "rotate-secret",
      usage: "<client_id>",
      summary: "replace a confidential client's secret (the old one stops " +
        "working at once)",
      args: ["client_id"],
      async run(ctx) {
        const { body } = await ctx.api.request(
          "POST",
          `${clientPath(ctx.args[0])}/secret`,
        );
        if (ctx.json) printJSON(ctx.io, body);
        else {
          ctx.io.out(record([
            ["client_id", body.client_id],
            ["client_secret", body.client_secret],
          ]));
        }
        ctx.io.err(SECRET_NOTE);
      },
    },
  ],
};

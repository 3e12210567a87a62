/**
 * `deno task admin <group> <command> …`: the admin API from a terminal or a
 * script. Exit status 0 when done, 1 when the server refused (its
 * `error_description` on stderr) or could not be reached, 2 for bad usage.
 * The server's URL and admin token come from --url/--token or
 * AUTH_SERVER_URL/AUTH_SERVER_ADMIN_TOKEN.
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { AdminAPI, APIError } from "./api_client.ts";
import { CLIENTS } from "./clients.ts";
import {
  type CLIIO,
  type Command,
  type CommandGroup,
  type OptionValues,
  UsageError,
} from "./command.ts";
import { KEYS } from "./keys.ts";
import { SCOPES } from "./scopes.ts";
import { USERS } from "./users.ts";

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export const URL_ENV = "AUTH_SERVER_URL";
export const TOKEN_ENV = "AUTH_SERVER_ADMIN_TOKEN";
/** The server's own default address (HOST and PORT unset). */
export const DEFAULT_URL = "http://127.0.0.1:8000";

const GROUPS: CommandGroup[] = [CLIENTS, USERS, SCOPES, KEYS];

const GLOBAL_OPTIONS: ParseArgsOptionsConfig = {
  url: { type: "string" },
  token: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

const PROGRAM = "deno task admin";

function commandUsage(group: CommandGroup, command: Command): string {
  return `${PROGRAM} ${group.name} ${command.name}${
    command.usage ? ` ${command.usage}` : ""
  }`;
}

/** The full help text. */
export function usage(): string {
  const lines = [
    `Usage: ${PROGRAM} [--url URL] [--token TOKEN] [--json] <group> <command> [arguments]`,
    "",
    "The admin API over HTTP (docs/admin_api.md). The server is --url or",
    `${URL_ENV} (default ${DEFAULT_URL}); the admin token is --token or`,
    `${TOKEN_ENV} (prefer the variable: flags show in process lists).`,
    "--json prints the API's answers as JSON; otherwise tables.",
    "",
  ];
  for (const group of GROUPS) {
    lines.push(`${group.name}: ${group.summary}`);
    for (const command of group.commands) {
      lines.push(`  ${group.name} ${command.name} ${command.usage}`.trimEnd());
      lines.push(`      ${command.summary}`);
    }
    lines.push("");
  }
  lines.push(
    "Exit status: 0 done, 1 the server refused (its reason on stderr) or",
    "could not be reached, 2 bad usage.",
    "",
  );
  return lines.join("\n");
}

/** Options that take a value, so their values are not read as positionals. */
function valueOptions(): Set<string> {
  const names = new Set<string>();
  const all = [
    GLOBAL_OPTIONS,
    ...GROUPS.flatMap((g) => g.commands)
      .map((c) => c.options ?? {}),
  ];
  for (const options of all) {
    for (const [name, spec] of Object.entries(options)) {
      if (spec.type === "string") names.add(name);
    }
  }
  return names;
}

/** The first two positionals: `<group> <command>`. */
function findCommandWords(args: string[]): string[] {
  const takesValue = valueOptions();
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < 2; i++) {
    const arg = args[i];
    if (arg === "--") break;
    if (arg.startsWith("--")) {
      if (!arg.includes("=") && takesValue.has(arg.slice(2))) i++;
    } else if (!(arg.startsWith("-") && arg.length > 1)) words.push(arg);
  }
  return words;
}

/** What an option looks like: `--name`, `--name=value`, or `-h`. */
const OPTION_FORM = /^(--[a-z][a-z0-9-]*(=.*)?|-[a-zA-Z])$/s;

/**
 * The arguments as parseArgs should see them: `--name value` as
 * `--name=value` for options that take a value, so a value starting with a
 * dash (a token can) is read as the value; and an argument that starts
 * with a dash but does not look like an option (a key id can) stands in
 * as a placeholder positional, given back by `restore`.
 */
function normaliseArgs(
  args: string[],
  options: ParseArgsOptionsConfig,
): { args: string[]; restore: (positional: string) => string } {
  const out: string[] = [];
  const held: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    if (arg.startsWith("-") && arg.length > 1 && !OPTION_FORM.test(arg)) {
      out.push(`\u0000${held.push(arg) - 1}`);
      continue;
    }
    const name = arg.startsWith("--") && !arg.includes("=")
      ? arg.slice(2)
      : null;
    if (
      name !== null && options[name]?.type === "string" &&
      i + 1 < args.length
    ) {
      out.push(`${arg}=${args[++i]}`);
    } else {
      out.push(arg);
    }
  }
  return {
    args: out,
    restore: (p) => p.startsWith("\u0000") ? held[Number(p.slice(1))] : p,
  };
}

function parse(
  args: string[],
  options: ParseArgsOptionsConfig,
): { values: OptionValues; positionals: string[] } {
  const all = { ...GLOBAL_OPTIONS, ...options };
  const normalised = normaliseArgs(args, all);
  try {
    const { values, positionals } = parseArgs({
      args: normalised.args,
      options: all,
      allowPositionals: true,
      strict: true,
    });
    return {
      values: values as OptionValues,
      positionals: positionals.map(normalised.restore),
    };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function serverURL(values: OptionValues, io: CLIIO): string {
  const url = (values.url as string | undefined) || io.env(URL_ENV) ||
    DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`${url} is not a URL (--url or ${URL_ENV})`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new UsageError(`${url} is not an http(s) URL`);
  }
  return url;
}

function adminToken(values: OptionValues, io: CLIIO): string {
  const token = (values.token as string | undefined) || io.env(TOKEN_ENV);
  if (!token) {
    throw new UsageError(
      `no admin token: set ${TOKEN_ENV} (or pass --token); it is the token ` +
        "made at /setup",
    );
  }
  return token;
}

function reportAPIError(io: CLIIO, err: APIError): void {
  const status = err.status === null
    ? ""
    : ` (HTTP ${err.status}${err.code ? ` ${err.code}` : ""})`;
  io.err(`error: ${err.message}${status}\n`);
  for (const issue of err.issues) {
    const line = `${issue.path || "body"}: ${issue.message}`;
    // The description already is the first issue.
    if (line !== err.message) io.err(`  ${line}\n`);
  }
}

/**
 * Runs one CLI invocation; answers the exit status.
 * @example
 * Deno.exit(await runAdminCLI(["clients", "list"], io));
 */
export async function runAdminCLI(args: string[], io: CLIIO): Promise<number> {
  const [groupName, commandName] = findCommandWords(args);
  const group = GROUPS.find((g) => g.name === groupName);
  const command = group?.commands.find((c) => c.name === commandName);
  try {
    if (!group || !command) {
      const { values } = parse(args, {});
      if (values.help || groupName === "help") {
        io.out(usage());
        return EXIT.ok;
      }
      throw new UsageError(
        groupName === undefined
          ? "name a command"
          : !group
          ? `unknown command group: ${groupName}`
          : commandName === undefined
          ? `name a ${group.name} command: ${
            group.commands.map((c) => c.name).join(", ")
          }`
          : `unknown ${group.name} command: ${commandName}`,
      );
    }
    const { values, positionals } = parse(args, command.options ?? {});
    if (values.help) {
      io.out(`Usage: ${commandUsage(group, command)}\n  ${command.summary}\n`);
      return EXIT.ok;
    }
    const rest = positionals.slice(2);
    const expected = command.args ?? [];
    if (rest.length !== expected.length) {
      throw new UsageError(
        expected.length === 0
          ? `${group.name} ${command.name} takes no arguments`
          : `${group.name} ${command.name} needs ${
            expected.map((a) => `<${a}>`).join(" ")
          }`,
      );
    }
    const api = new AdminAPI({
      url: serverURL(values, io),
      token: adminToken(values, io),
      fetch: io.fetch,
    });
    await command.run({
      api,
      args: rest,
      options: values,
      json: values.json === true,
      io,
    });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}\n`);
      io.err(
        group && command
          ? `usage: ${commandUsage(group, command)}\n`
          : `run "${PROGRAM} help" for the commands\n`,
      );
      return EXIT.usage;
    }
    if (err instanceof APIError) {
      reportAPIError(io, err);
      return EXIT.failed;
    }
    io.err(`error: ${(err as Error).message}\n`);
    return EXIT.failed;
  }
}

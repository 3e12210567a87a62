/**
 * The shape of one CLI command (`clients create`, `keys rotate`, …) and what
 * it is handed to run: the API client, its arguments, and where to print.
 * @module
 */
import type { ParseArgsOptionsConfig } from "node:util";
import type { AdminAPI } from "./api_client.ts";
import { type Cell, table } from "./output.ts";

/** Bad usage: the CLI prints the message and the command's usage (exit 2). */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Everything the CLI touches outside itself, so tests can swap it. */
export interface CLIIO {
  /** Writes to standard output. */
  out(text: string): void;
  /** Writes to standard error. */
  err(text: string): void;
  /** All of standard input (for `--password-stdin`). */
  readStdin(): Promise<string>;
  env(name: string): string | undefined;
  fetch?: typeof fetch;
}

export type OptionValues = Record<
  string,
  string | boolean | string[] | undefined
>;

export interface CommandContext {
  api: AdminAPI;
  /** The positional arguments after `<group> <command>`. */
  args: string[];
  options: OptionValues;
  /** `--json`: print the API's answers as JSON instead of tables. */
  json: boolean;
  io: CLIIO;
}

export interface Command {
  name: string;
  /** Arguments and options after `<group> <name>`, as usage shows them. */
  usage: string;
  summary: string;
  /** Names of the positional arguments, all required. */
  args?: string[];
  options?: ParseArgsOptionsConfig;
  run(ctx: CommandContext): Promise<void>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  commands: Command[];
}

/** Prints `value` as indented JSON (the `--json` output). */
export function printJSON(io: CLIIO, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** A string option's value, or undefined. */
export function stringOption(
  options: OptionValues,
  name: string,
): string | undefined {
  const value = options[name];
  return typeof value === "string" ? value : undefined;
}

/** A repeatable string option's values, or undefined when not given. */
export function listOption(
  options: OptionValues,
  name: string,
): string[] | undefined {
  const value = options[name];
  return Array.isArray(value) ? value : undefined;
}

/**
 * The password for `users create` / `users set-password`: the whole of
 * standard input with `--password-stdin` (one trailing newline dropped), or
 * `--password` (visible to other users in the process list: warned).
 */
export async function readPassword(ctx: CommandContext): Promise<string> {
  const given = stringOption(ctx.options, "password");
  if (ctx.options["password-stdin"] === true) {
    if (given !== undefined) {
      throw new UsageError("give --password or --password-stdin, not both");
    }
    return (await ctx.io.readStdin()).replace(/\r?\n$/, "");
  }
  if (given === undefined) {
    throw new UsageError(
      "a password is needed: pipe it in with --password-stdin",
    );
  }
  ctx.io.err(
    "warning: --password is visible to other users of this machine; " +
      "prefer --password-stdin\n",
  );
  return given;
}

/** Options both password commands take. */
export const PASSWORD_OPTIONS: ParseArgsOptionsConfig = {
  password: { type: "string" },
  "password-stdin": { type: "boolean" },
};

export interface ListSpec {
  summary: string;
  /** The API path answering a JSON array. */
  path: string;
  headers: string[];
  // deno-lint-ignore no-explicit-any
  row(item: any): Cell[];
}

/** A `list` command: GET `path`, one table row per item (or the JSON). */
export function listCommand(spec: ListSpec): Command {
  return {
    name: "list",
    usage: "",
    summary: spec.summary,
    async run(ctx) {
      const { body } = await ctx.api.request("GET", spec.path);
      if (ctx.json) return printJSON(ctx.io, body);
      ctx.io.out(table(spec.headers, (body as unknown[]).map(spec.row)));
    },
  };
}

/**
 * `deno task admin users …`: list, show, create, set-password, lock,
 * unlock, delete, over /admin/users. A user is named by username or id.
 * Locking is the API's `disabled: true`: the user cannot sign in, their
 * sessions end and their tokens are revoked.
 * @module
 */
import { APIError } from "./api_client.ts";
import {
  type Command,
  type CommandContext,
  type CommandGroup,
  listCommand,
  PASSWORD_OPTIONS,
  printJSON,
  readPassword,
  stringOption,
} from "./command.ts";
import { record, time } from "./output.ts";

// deno-lint-ignore no-explicit-any
type User = Record<string, any>;

/**
 * The user `name` names: an id, else a username (exact, then ignoring case,
 * as the server keeps usernames unique ignoring case).
 */
async function findUser(ctx: CommandContext, name: string): Promise<User> {
  const users = (await ctx.api.request("GET", "/admin/users")).body as User[];
  const found = users.find((u) => u.id === name || u.username === name) ??
    users.find((u) => u.username.toLowerCase() === name.toLowerCase());
  if (!found) throw new APIError(`no user has the username or id ${name}`);
  return found;
}

function userPath(user: User): string {
  return `/admin/users/${encodeURIComponent(user.id)}`;
}

function printUser(ctx: CommandContext, user: User): void {
  ctx.io.out(record([
    ["id", user.id],
    ["username", user.username],
    ["email", user.email],
    ["email_verified", user.email_verified],
    ["locked", user.disabled],
    ["claims", JSON.stringify(user.claims)],
    ["created_at", time(user.created_at)],
    ["updated_at", time(user.updated_at)],
  ]));
}

/** `users lock` and `users unlock`: PATCH disabled. */
function lockCommand(name: "lock" | "unlock"): Command {
  const disabled = name === "lock";
  return {
    name,
    usage: "<user>",
    summary: disabled
      ? "lock a user out: no sign-in, sessions ended, tokens revoked"
      : "let a locked user sign in again",
    args: ["user"],
    async run(ctx) {
      const user = await findUser(ctx, ctx.args[0]);
      const { body } = await ctx.api.request("PATCH", userPath(user), {
        disabled,
      });
      if (ctx.json) return printJSON(ctx.io, body);
      ctx.io.out(
        disabled
          ? `user ${body.username} locked; their sessions ended and their ` +
            "tokens were revoked\n"
          : `user ${body.username} unlocked\n`,
      );
    },
  };
}

export const USERS: CommandGroup = {
  name: "users",
  summary: "end users (<user> is a username or an id)",
  commands: [
    listCommand({
      summary: "list users",
      path: "/admin/users",
      headers: ["username", "id", "email", "locked", "created_at"],
      row: (u: User) => [
        u.username,
        u.id,
        u.email,
        u.disabled ? "yes" : "no",
        time(u.created_at),
      ],
    }),
    {
      name: "show",
      usage: "<user>",
      summary: "a user",
      args: ["user"],
      async run(ctx) {
        const user = await findUser(ctx, ctx.args[0]);
        if (ctx.json) return printJSON(ctx.io, user);
        printUser(ctx, user);
      },
    },
    {
      name: "create",
      usage: "<username> --password-stdin [--email EMAIL]",
      summary: "create a user (password from standard input)",
      args: ["username"],
      options: { ...PASSWORD_OPTIONS, email: { type: "string" } },
      async run(ctx) {
        const email = stringOption(ctx.options, "email");
        const { body } = await ctx.api.request("POST", "/admin/users", {
          username: ctx.args[0],
          password: await readPassword(ctx),
          ...(email !== undefined ? { email } : {}),
        });
        if (ctx.json) return printJSON(ctx.io, body);
        printUser(ctx, body);
      },
    },
    {
      name: "set-password",
      usage: "<user> --password-stdin",
      summary: "set a user's password (ends their sessions, revokes their " +
        "tokens)",
      args: ["user"],
      options: PASSWORD_OPTIONS,
      async run(ctx) {
        const password = await readPassword(ctx);
        const user = await findUser(ctx, ctx.args[0]);
        const { body } = await ctx.api.request(
          "POST",
          `${userPath(user)}/password`,
          { password },
        );
        if (ctx.json) return printJSON(ctx.io, body);
        ctx.io.out(
          `password of ${body.username} set; their sessions ended and their ` +
            "tokens were revoked\n",
        );
      },
    },
    lockCommand("lock"),
    lockCommand("unlock"),
    {
      name: "delete",
      usage: "<user>",
      summary: "delete a user with their sessions, tokens and consents",
      args: ["user"],
      async run(ctx) {
        const user = await findUser(ctx, ctx.args[0]);
        await ctx.api.request("DELETE", userPath(user));
        if (!ctx.json) ctx.io.out(`user ${user.username} deleted\n`);
      },
    },
  ],
};

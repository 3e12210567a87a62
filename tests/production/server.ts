/**
 * The server as an operator runs it: `deno run … main.ts` in a process of
 * its own, with its log kept for the test to read, and the few HTTP calls
 * the production tests make against it (a confidential client through
 * /dev/create_client, client_credentials tokens, introspection).
 * @module
 */
import { freePort, waitUntilHealthy } from "../helpers/server_process.ts";
import { basic } from "../helpers/clients.ts";
import { serverStartArgs } from "../../lib/v8_flags.ts";

export const ROOT = new URL("../../", import.meta.url);
export const BOOTSTRAP_TOKEN = "bootstrap-token-production-tests";

export interface ServerProcess {
  base: string;
  port: number;
  /** Everything it printed so far (stdout and stderr). */
  log(): string;
  /** SIGTERM, then waits for the exit; resolves to the exit code. */
  stop(): Promise<number>;
}

export interface SpawnOptions {
  env: Record<string, string>;
  /** `deno` arguments; default `deno task start`'s (`serverStartArgs`). */
  args?: string[];
  /** Start from an empty environment (PATH, HOME and DENO_DIR kept). */
  clearEnv?: boolean;
  port?: number;
}

/** True when `program` is on PATH. */
export function installed(program: string): boolean {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      Deno.statSync(`${dir}/${program}`);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

function inherited(names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.flatMap((n) => {
      const v = Deno.env.get(n);
      return v === undefined ? [] : [[n, v]];
    }),
  );
}

/** Starts main.ts and waits for /healthz (throws with its log if not). */
export async function spawnServer(
  options: SpawnOptions,
): Promise<ServerProcess> {
  const port = options.port ?? freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: options.args ?? serverStartArgs(),
    cwd: ROOT,
    clearEnv: options.clearEnv,
    env: {
      ...(options.clearEnv ? inherited(["PATH", "HOME", "DENO_DIR"]) : {}),
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_REQUESTS: "false",
      NO_COLOR: "1",
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const collect = (stream: ReadableStream<Uint8Array>) =>
    stream.pipeTo(
      new WritableStream({
        write(chunk) {
          text += decoder.decode(chunk, { stream: true });
        },
      }),
    ).catch(() => {});
  const piped = Promise.all([collect(child.stdout), collect(child.stderr)]);
  let exited = false;
  const status = child.status.then(async (s) => {
    exited = true;
    await piped;
    return s.code;
  });
  const server: ServerProcess = {
    base: `http://127.0.0.1:${port}`,
    port,
    log: () => text,
    async stop() {
      if (!exited) child.kill("SIGTERM");
      return await status;
    },
  };
  try {
    await waitUntilHealthy(server.base);
    // One worker may answer before the others (and main.ts's signal
    // handlers) are ready: started means main.ts logged "listening".
    for (let i = 0; i < 300 && !/"msg":"listening"/.test(text); i++) {
      if (exited) throw new Error("it exited");
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!/"msg":"listening"/.test(text)) throw new Error("never listening");
  } catch (err) {
    if (!exited) child.kill("SIGKILL");
    await status;
    throw new Error(`${(err as Error).message}; its log:\n${text}`);
  }
  return server;
}

/** The JSON log lines at `warn` or `error`, and any line that is not JSON. */
export function troubleIn(log: string): string[] {
  return log.split("\n").filter((line) => line.trim()).filter((line) => {
    try {
      const level = JSON.parse(line).level;
      return level === "warn" || level === "error";
    } catch {
      return true;
    }
  });
}

export interface Client {
  id: string;
  secret: string;
}

/** A confidential client_credentials client, as the README's curl makes it. */
export async function createClient(
  base: string,
  id: string,
  init: { client?: Deno.HttpClient } = {},
): Promise<Client> {
  const res = await fetch(`${base}/dev/create_client`, {
    method: "POST",
    headers: {
      "X-Admin-Token": BOOTSTRAP_TOKEN,
      "Content-Type": "application/json",
    },
    body: JSON.stringify({
      client_id: id,
      redirect_uris: ["https://app.example.com/callback"],
      token_endpoint_auth_method: "client_secret_basic",
      grant_types: ["client_credentials"],
      scope: "api",
    }),
    client: init.client,
  });
  const body = await res.json();
  if (res.status !== 201 && res.status !== 200) {
    throw new Error(`create_client: ${res.status} ${JSON.stringify(body)}`);
  }
  return { id, secret: body.client_secret };
}

/** One client_credentials access token. */
export async function issueToken(
  base: string,
  client: Client,
): Promise<string> {
  const res = await fetch(`${base}/token`, {
    method: "POST",
    headers: {
      Authorization: basic(client.id, client.secret),
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ grant_type: "client_credentials" }),
  });
  const body = await res.json();
  if (res.status !== 200) {
    throw new Error(`token: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.access_token;
}

/** RFC 7662 `active` for `token`, asked by the client that owns it. */
export async function isActive(
  base: string,
  client: Client,
  token: string,
): Promise<boolean> {
  const res = await fetch(`${base}/introspect`, {
    method: "POST",
    headers: {
      Authorization: basic(client.id, client.secret),
      "Content-Type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ token }),
  });
  const body = await res.json();
  if (res.status !== 200) {
    throw new Error(`introspect: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.active === true;
}

/** Runs `deno task NAME ARGS…` in the repository with `env` added. */
export async function denoTask(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "-q", name, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/**
 * The peer `deno task bench --peer oidc-provider` measures beside our
 * server: node-oidc-provider (bench/peer/), installed with `npm ci` into
 * bench/peer/node_modules on first use, started by Node.js on the server's
 * core, and prepared over HTTP with one code flow for alice's access token.
 * It then gets the same fixed requests (with its own clients, from
 * bench/peer/clients.json) and the same stateful flows as ours.
 * @module
 */
import type { BenchClient, Fixture } from "./flow.ts";
import setup from "./peer/clients.json" with { type: "json" };
import { runPeerCodeFlow } from "./peer_flow.ts";
import { startService } from "./processes.ts";
import type { ScenarioName } from "./scenarios.ts";
import { freePort, type Started, waitReady } from "./servers.ts";
import { fixedRequests, type Prepared } from "./setup.ts";

export type PeerName = "oidc-provider";

const PEERS: readonly PeerName[] = ["oidc-provider"];
const PEER_DIR = new URL("./peer/", import.meta.url).pathname;

/** Scenarios the peer cannot run, each with the reason the report gives. */
/** Why GET /authorize alone is not the same request on the peer. */
const AUTHORIZE_PAGE = "oidc-provider answers GET /authorize with a " +
  "redirect to the application's sign-in page, never the page itself " +
  "(two requests where ours answers one); the code flow rows compare " +
  "the whole sign-in";

export const PEER_UNSUPPORTED: Partial<Record<ScenarioName, string>> = {
  code_flow_passkey: "oidc-provider has no sign-in of its own (the " +
    "application writes its sign-in pages; bench/peer/server.mjs signs in " +
    "with a password only), so there is no passkey flow to compare",
  authorize_registered: AUTHORIZE_PAGE,
  authorize_metadata_document: `${AUTHORIZE_PAGE}; its Client ID ` +
    "Metadata Document support is an experimental feature the bench " +
    "does not turn on",
};

/** `--peer`'s value: a known peer, or null when none was asked for. */
export function parsePeer(value: string | undefined): PeerName | null {
  if (value === undefined) return null;
  const peer = PEERS.find((p) => p === value);
  if (!peer) {
    throw new Error(`--peer must be ${PEERS.join(" or ")}, not ${value}`);
  }
  return peer;
}

async function output(cmd: string, args: string[]): Promise<string | null> {
  try {
    const out = await new Deno.Command(cmd, { args, stderr: "null" })
      .output();
    return out.success ? new TextDecoder().decode(out.stdout).trim() : null;
  } catch {
    return null;
  }
}

async function installedVersion(name: string): Promise<string | null> {
  try {
    const text = await Deno.readTextFile(
      `${PEER_DIR}node_modules/${name}/package.json`,
    );
    return String(JSON.parse(text).version);
  } catch {
    return null;
  }
}

async function lockedVersion(name: string): Promise<string> {
  const lock = JSON.parse(
    await Deno.readTextFile(`${PEER_DIR}package-lock.json`),
  );
  return String(lock.packages[`node_modules/${name}`].version);
}

/**
 * Checks Node.js and installs bench/peer's locked packages (`npm ci`) when
 * they are missing or not the locked versions; returns what runs, e.g.
 * "oidc-provider 9.13.3 on Node.js v20.20.2 (argon2id: @node-rs/argon2
 * 2.2.1)".
 */
export async function ensurePeer(node: string): Promise<string> {
  const nodeVersion = await output(node, ["--version"]);
  if (!nodeVersion) {
    throw new Error(`--peer needs Node.js: ${node} --version failed`);
  }
  const packages = ["oidc-provider", "@node-rs/argon2"];
  const stale = [];
  for (const name of packages) {
    if (await installedVersion(name) !== await lockedVersion(name)) {
      stale.push(name);
    }
  }
  if (stale.length) {
    console.error(`bench: npm ci in bench/peer (${stale.join(", ")})`);
    // npm's output goes to stderr: stdout carries the report.
    const out = await new Deno.Command("npm", {
      args: ["ci", "--no-audit", "--no-fund"],
      cwd: PEER_DIR,
      stdout: "piped",
      stderr: "inherit",
    }).output().catch(() => null);
    if (out) console.error(new TextDecoder().decode(out.stdout).trim());
    if (!out?.success) throw new Error("npm ci in bench/peer failed");
  }
  return `oidc-provider ${await installedVersion("oidc-provider")} on ` +
    `Node.js ${nodeVersion} (argon2id: @node-rs/argon2 ${await installedVersion(
      "@node-rs/argon2",
    )})`;
}

/**
 * Starts bench/peer/server.mjs with `node` (NODE_ENV=production) on
 * `cpus`, answering once its discovery document does.
 */
export async function startPeer(
  tmp: string,
  cpus: string | null,
  node: string,
): Promise<Started> {
  const port = freePort();
  const base = `http://127.0.0.1:${port}`;
  const logFile = `${tmp}/peer.log`;
  const service = await startService("peer", node, ["server.mjs"], {
    cpus,
    cwd: PEER_DIR,
    logFile,
    env: { PORT: String(port), ISSUER: base, NODE_ENV: "production" },
  });
  await waitReady(`${base}/.well-known/openid-configuration`, service, logFile);
  return { service, base, logFile };
}

function client(name: keyof typeof setup.clients): BenchClient {
  const c = setup.clients[name];
  return {
    id: c.client_id,
    secret: c.client_secret,
    redirectURI: setup.redirectURI,
    scope: setup.userScope,
  };
}

/** The peer's fixed requests and fixture, as prepareServer makes ours. */
export async function preparePeer(base: string): Promise<Prepared> {
  const users = setup.users.map(({ username, password }) => ({
    username,
    password,
  }));
  const webApp = client("webApp");
  const tokens = await runPeerCodeFlow({ base, client: webApp, ...users[0] });
  return {
    fixture: {
      base,
      users,
      passkeys: [],
      flowClient: client("consentApp"),
      refreshClient: webApp,
      refreshClientEdDSA: client("webAppEdDSA"),
      peer: "oidc-provider",
    } satisfies Fixture,
    requests: fixedRequests(
      base,
      { service: client("service"), webApp },
      tokens.access_token,
    ),
  };
}

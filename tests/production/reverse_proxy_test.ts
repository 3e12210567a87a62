/**
 * The Caddy and nginx configurations of docs/production.md, taken from the
 * document itself, in front of a real server with an https ISSUER: only
 * the domain, the certificate (self-signed, made here) and the ports change.
 * Through them, discovery names the https issuer, HSTS is sent, and the
 * address an audit event records is the client's: not the proxy's, and not
 * the one the client forged in X-Forwarded-For. Each proxy is skipped,
 * saying so, when it is not installed (.ci/run installs both).
 */
import assert from "node:assert/strict";
import { freePort } from "../helpers/server_process.ts";
import { TEST_APP_SECRET } from "../helpers/test_app.ts";
import { BOOTSTRAP_TOKEN, installed, ROOT, spawnServer } from "./server.ts";

const DOC = await Deno.readTextFile(new URL("docs/production.md", ROOT));

/** The first fenced block of `language` in docs/production.md. */
function block(language: string): string {
  const m = DOC.match(new RegExp("```" + language + "\\n([\\s\\S]*?)```"));
  if (!m) throw new Error(`docs/production.md has no ${language} block`);
  return m[1];
}

for (const program of ["nginx", "caddy", "openssl"]) {
  if (!installed(program)) {
    console.warn(`reverse proxy test: ${program} not installed, skipped`);
  }
}

async function openssl(args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args,
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
}

/**
 * A certificate for 127.0.0.1 in `dir`, issued by a throwaway CA (a
 * self-signed leaf is refused by Deno's verifier as "CA used as end
 * entity"); the CA is what the test's HTTP client trusts.
 */
async function certificate(
  dir: string,
): Promise<{ ca: string; cert: string; key: string }> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl([
    "req",
    "-x509",
    ...ec,
    "-days",
    "1",
    "-subj",
    "/CN=test CA",
    "-keyout",
    `${dir}/ca.key`,
    "-out",
    `${dir}/ca.pem`,
  ]);
  await openssl([
    "req",
    ...ec,
    "-subj",
    "/CN=127.0.0.1",
    "-keyout",
    `${dir}/key.pem`,
    "-out",
    `${dir}/leaf.csr`,
  ]);
  await Deno.writeTextFile(`${dir}/leaf.ext`, "subjectAltName=IP:127.0.0.1\n");
  await openssl([
    "x509",
    "-req",
    "-in",
    `${dir}/leaf.csr`,
    "-CA",
    `${dir}/ca.pem`,
    "-CAkey",
    `${dir}/ca.key`,
    "-CAcreateserial",
    "-days",
    "1",
    "-extfile",
    `${dir}/leaf.ext`,
    "-out",
    `${dir}/cert.pem`,
  ]);
  return {
    ca: `${dir}/ca.pem`,
    cert: `${dir}/cert.pem`,
    key: `${dir}/key.pem`,
  };
}

interface Proxy {
  stop(): Promise<void>;
}

/** Starts `program args` and waits until `url` answers through TLS. */
async function startProxy(
  program: string,
  args: string[],
  env: Record<string, string>,
  url: string,
  client: Deno.HttpClient,
): Promise<Proxy> {
  const child = new Deno.Command(program, {
    args,
    env,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Read in the background, never awaited: nginx's worker processes hold
  // the pipe until they exit, after the master.
  let log = "";
  child.stderr.pipeTo(
    new WritableStream({
      write(chunk) {
        log += new TextDecoder().decode(chunk);
      },
    }),
  ).catch(() => {});
  const stop = async () => {
    // SIGTERM: nginx's master stops its workers, then exits.
    child.kill("SIGTERM");
    await child.status;
  };
  let last = "";
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(url, {
        client,
        signal: AbortSignal.timeout(2000),
      });
      await res.body?.cancel();
      return { stop };
    } catch (err) {
      last = String((err as Error).cause ?? err);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  await stop();
  throw new Error(`${program} did not answer (${last}): ${log}`);
}

/**
 * Through the proxy at `issuer`: discovery, HSTS, and the address of an
 * audit event made with a forged X-Forwarded-For.
 */
async function checkThrough(
  issuer: string,
  client: Deno.HttpClient,
  expectedClient: string,
): Promise<void> {
  const discovery = await fetch(
    `${issuer}/.well-known/openid-configuration`,
    { client },
  );
  assert.equal(discovery.status, 200);
  assert.match(
    discovery.headers.get("Strict-Transport-Security") ?? "",
    /max-age=\d+/,
  );
  const body = await discovery.json();
  assert.equal(body.issuer, issuer);
  assert.equal(body.token_endpoint, `${issuer}/token`);

  const scope = `proxy-${crypto.randomUUID().slice(0, 8)}`;
  const created = await fetch(`${issuer}/admin/scopes`, {
    method: "POST",
    client,
    headers: {
      "X-Admin-Token": BOOTSTRAP_TOKEN,
      "Content-Type": "application/json",
      "X-Forwarded-For": "203.0.113.9",
    },
    body: JSON.stringify({ name: scope, description: "via proxy", claims: [] }),
  });
  assert.ok(created.ok, `${created.status} ${await created.text()}`);
  const audit = await (await fetch(`${issuer}/admin/audit`, {
    client,
    headers: { "X-Admin-Token": BOOTSTRAP_TOKEN },
  })).json();
  const event = audit.events.find((e: { target_id: string }) =>
    e.target_id === scope
  );
  assert.ok(event, JSON.stringify(audit));
  assert.equal(event.ip, expectedClient);
}

/** What a proxy's configuration is made from. */
interface Setup {
  dir: string;
  cert: string;
  key: string;
  httpsPort: number;
  issuer: string;
  serverPort: number;
}

/**
 * A server with `ISSUER=https://127.0.0.1:<port>` and TRUSTED_PROXIES
 * `trusted`, the proxy `configure` writes in front of it on that port, and
 * `check` run through it with a client that trusts the test CA.
 */
async function behindProxy(
  trusted: string,
  configure: (
    setup: Setup,
  ) => Promise<[string, string[], Record<string, string>]>,
  check: (issuer: string, client: Deno.HttpClient) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "proxy-" });
  const { ca, cert, key } = await certificate(dir);
  const client = Deno.createHttpClient({
    caCerts: [await Deno.readTextFile(ca)],
  });
  const httpsPort = freePort();
  const issuer = `https://127.0.0.1:${httpsPort}`;
  const server = await spawnServer({
    env: {
      DATABASE_URL: `sqlite:///${dir}/oauth.db`,
      DENO_KV_PATH: `${dir}/kv.sqlite`,
      APP_SECRET: TEST_APP_SECRET,
      ISSUER: issuer,
      TRUSTED_PROXIES: trusted,
      ADMIN_TOKEN: BOOTSTRAP_TOKEN,
      WORKERS: "1",
    },
  });
  let proxy: Proxy | null = null;
  try {
    const [program, args, env] = await configure({
      dir,
      cert,
      key,
      httpsPort,
      issuer,
      serverPort: server.port,
    });
    proxy = await startProxy(program, args, env, `${issuer}/healthz`, client);
    await check(issuer, client);
  } finally {
    await proxy?.stop();
    client.close();
    assert.equal(await server.stop(), 0, server.log());
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test({
  name:
    "reverse proxy: nginx as docs/production.md configures it (TLS, X-Forwarded-For replaced, TRUSTED_PROXIES)",
  ignore: !installed("nginx") || !installed("openssl"),
  async fn() {
    const httpPort = freePort();
    // nginx connects to the server from 127.0.0.3, so the proxy's address
    // and the client's (127.0.0.1) differ on loopback.
    await behindProxy("127.0.0.3", async (setup) => {
      const { dir, serverPort } = setup;
      const site = block("nginx")
        .replace("listen 80;", `listen 127.0.0.1:${httpPort};`)
        .replace("listen 443 ssl;", `listen 127.0.0.1:${setup.httpsPort} ssl;`)
        .replace(/^\s*listen \[::\]:\d+( ssl)?;\n/gm, "")
        .replace(/ssl_certificate +\S+;/, `ssl_certificate ${setup.cert};`)
        .replace(
          /ssl_certificate_key +\S+;/,
          `ssl_certificate_key ${setup.key};`,
        )
        .replace(
          "proxy_pass http://127.0.0.1:8000;",
          `proxy_pass http://127.0.0.1:${serverPort};\n        proxy_bind 127.0.0.3;`,
        );
      assert.match(
        site,
        new RegExp(`proxy_pass http://127.0.0.1:${serverPort}`),
      );
      const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
        .map((t) => `${t}_temp_path ${dir}/${t};`).join(" ");
      await Deno.writeTextFile(
        `${dir}/nginx.conf`,
        `daemon off; worker_processes 1; pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http { access_log off; ${temp}
${site}
}
`,
      );
      return [
        "nginx",
        ["-e", `${dir}/error.log`, "-p", dir, "-c", `${dir}/nginx.conf`],
        {},
      ];
    }, async (issuer, client) => {
      await checkThrough(issuer, client, "127.0.0.1");
      // Plain http is sent to https.
      const plain = await fetch(`http://127.0.0.1:${httpPort}/healthz`, {
        redirect: "manual",
      });
      await plain.body?.cancel();
      assert.equal(plain.status, 301);
      assert.match(plain.headers.get("Location") ?? "", /^https:\/\//);
    });
  },
});

Deno.test({
  name:
    "reverse proxy: Caddy as docs/production.md configures it (TLS, X-Forwarded-For set by Caddy, TRUSTED_PROXIES)",
  ignore: !installed("caddy") || !installed("openssl"),
  async fn() {
    // Caddy and the test both connect from 127.0.0.1; what tells them apart
    // is the forged header, which Caddy must not pass on.
    await behindProxy("127.0.0.1", async (setup) => {
      const { dir, serverPort } = setup;
      const site = block("caddyfile")
        .replace(
          "auth.example.com {",
          `${setup.issuer} {\n\ttls ${setup.cert} ${setup.key}`,
        )
        .replace("127.0.0.1:8000", `127.0.0.1:${serverPort}`);
      assert.match(site, new RegExp(`127.0.0.1:${serverPort}`));
      await Deno.writeTextFile(
        `${dir}/Caddyfile`,
        // default_sni: the test connects to an IP address, which sends no SNI.
        `{\n\tadmin off\n\tauto_https disable_redirects\n\tdefault_sni 127.0.0.1\n\tstorage file_system ${dir}/data\n}\n\n${site}`,
      );
      return [
        "caddy",
        ["run", "--adapter", "caddyfile", "--config", `${dir}/Caddyfile`],
        {
          HOME: dir,
          XDG_DATA_HOME: `${dir}/data`,
          XDG_CONFIG_HOME: `${dir}/config`,
        },
      ];
    }, (issuer, client) => checkThrough(issuer, client, "127.0.0.1"));
  },
});

/**
 * `deno task test:container`: builds the Containerfile with podman and runs
 * the image as compose.yaml does (read-only root, /data volume, secrets as
 * files in /run/secrets, uid 10001, two worker threads): discovery and
 * /healthz answer from the host, the image's HEALTHCHECK passes, and `deno
 * task backup` works inside with no network at all. With TEST_DATABASE_URL
 * it also runs on PostgreSQL, the URL given as a secret file.
 *
 * Image registries are out of reach here, so the Debian 12 base is made
 * with debootstrap and `podman import`, once per machine: podman's own
 * image store is the cache (a lock file in /tmp keeps two runs from
 * building it at once). `podman run` needs runc (crun refuses this
 * machine's cgroup layout) and explicit ulimits. Skipped, saying so, when
 * podman, runc or debootstrap is missing; .ci/run installs them.
 */
import assert from "node:assert/strict";
import pg from "pg";
import { freePort } from "../helpers/server_process.ts";
import { installed, ROOT, troubleIn } from "./server.ts";

const BASE_IMAGE = "localhost/authorization-server-base:bookworm";
const IMAGE = "localhost/authorization-server:test";
const BASE_LOCK = "/tmp/authorization-server-base.lock";
const RUN_FLAGS = [
  "--runtime",
  "runc",
  "--ulimit",
  "nofile=1024:1024",
  "--ulimit",
  "nproc=4096:4096",
];

const MISSING = ["podman", "runc", "debootstrap"].filter((p) => !installed(p));
if (MISSING.length) {
  console.warn(
    `container test skipped: ${
      MISSING.join(", ")
    } not installed (apt-get install podman runc debootstrap)`,
  );
}

/** Runs a command; throws with its output unless it exits 0. */
async function sh(
  program: string,
  args: string[],
  options: { stdin?: ReadableStream<Uint8Array>; allowFailure?: boolean } = {},
): Promise<{ code: number; out: string }> {
  const child = new Deno.Command(program, {
    args,
    stdin: options.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin) await options.stdin.pipeTo(child.stdin);
  const result = await child.output();
  const decoder = new TextDecoder();
  const out = decoder.decode(result.stdout) + decoder.decode(result.stderr);
  if (result.code !== 0 && !options.allowFailure) {
    throw new Error(
      `${program} ${args.join(" ")}: exit ${result.code}\n${out}`,
    );
  }
  return { code: result.code, out };
}

/** The Debian mirror this machine's apt uses (debootstrap's default else). */
function debianMirror(): string {
  const files = ["/etc/apt/sources.list"];
  try {
    for (const e of Deno.readDirSync("/etc/apt/sources.list.d")) {
      files.push(`/etc/apt/sources.list.d/${e.name}`);
    }
  } catch {
    // no directory
  }
  for (const file of files) {
    let text = "";
    try {
      text = Deno.readTextFileSync(file);
    } catch {
      continue;
    }
    const uri = text.match(/^(?:URIs:|deb)\s+(http\S*\/debian)\/?\s*$/m) ??
      text.match(/^(?:URIs:|deb)\s+(http\S*\/debian)\/?\s/m);
    if (uri) return uri[1];
  }
  return "http://deb.debian.org/debian";
}

/** Builds the base image once per machine (podman's store is the cache). */
async function ensureBaseImage(): Promise<void> {
  const lock = await Deno.open(BASE_LOCK, { create: true, write: true });
  await lock.lock(true);
  try {
    const exists = await sh("podman", ["image", "exists", BASE_IMAGE], {
      allowFailure: true,
    });
    if (exists.code === 0) return;
    const dir = await Deno.makeTempDir({ prefix: "debootstrap-" });
    try {
      const started = performance.now();
      await sh("debootstrap", [
        "--variant=minbase",
        "bookworm",
        dir,
        debianMirror(),
      ]);
      await sh("sh", ["-c", `rm -rf ${dir}/var/cache/apt/archives/*.deb`]);
      const tar = new Deno.Command("tar", {
        args: ["-C", dir, "-c", "."],
        stdout: "piped",
      }).spawn();
      await sh("podman", ["import", "-", BASE_IMAGE], { stdin: tar.stdout });
      assert.equal((await tar.status).code, 0);
      console.log(
        `base image ${BASE_IMAGE} built in ${
          ((performance.now() - started) / 1000).toFixed(0)
        } s`,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    await lock.unlock();
    lock.close();
  }
}

/** The CA bundle this machine trusts, handed to the build (see Containerfile). */
function caBundle(): string | null {
  for (
    const path of [
      Deno.env.get("SSL_CERT_FILE"),
      "/etc/ssl/certs/ca-certificates.crt",
    ]
  ) {
    if (!path) continue;
    try {
      Deno.statSync(path);
      return path;
    } catch {
      // next
    }
  }
  return null;
}

async function buildImage(): Promise<void> {
  const ca = caBundle();
  await sh("podman", [
    "build",
    "--isolation",
    "chroot",
    "--network",
    "host",
    // docker format keeps the HEALTHCHECK (OCI images drop it)
    "--format",
    "docker",
    "--build-arg",
    `BASE=${BASE_IMAGE}`,
    ...(ca ? ["--secret", `id=ca_certificates,src=${ca}`] : []),
    "-t",
    IMAGE,
    "-f",
    "Containerfile",
    new URL(".", ROOT).pathname,
  ]);
}

async function until(
  what: string,
  check: () => Promise<boolean>,
  seconds = 60,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${seconds} s`);
}

interface Container {
  name: string;
  base: string;
  logs(): Promise<string>;
  remove(): Promise<void>;
}

/** `podman run -d` with the secrets as files, as compose.yaml mounts them. */
async function runServer(
  secrets: Record<string, string>,
  env: Record<string, string>,
): Promise<Container> {
  const name = `authz-test-${crypto.randomUUID().slice(0, 8)}`;
  const dir = await Deno.makeTempDir({ prefix: "container-secrets-" });
  const port = freePort();
  const mounts: string[] = [];
  for (const [file, value] of Object.entries(secrets)) {
    await Deno.writeTextFile(`${dir}/${file}`, value + "\n", { mode: 0o644 });
    await Deno.chmod(`${dir}/${file}`, 0o644);
    mounts.push("-v", `${dir}/${file}:/run/secrets/${file}:ro`);
  }
  const envFlags = Object.entries({
    HOST: "127.0.0.1",
    PORT: String(port),
    ...env,
  }).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  await sh("podman", [
    "run",
    "-d",
    "--name",
    name,
    ...RUN_FLAGS,
    "--network",
    "host",
    "--read-only",
    "-v",
    `${name}-data:/data`,
    ...mounts,
    ...envFlags,
    IMAGE,
  ]);
  const container: Container = {
    name,
    base: `http://127.0.0.1:${port}`,
    logs: async () => (await sh("podman", ["logs", name])).out,
    async remove() {
      await sh("podman", ["rm", "-f", "-t", "5", name], { allowFailure: true });
      await sh("podman", ["volume", "rm", "-f", `${name}-data`], {
        allowFailure: true,
      });
      await Deno.remove(dir, { recursive: true });
    },
  };
  try {
    await until(
      "listening",
      async () => /"msg":"listening"/.test(await container.logs()),
    );
  } catch (err) {
    const logs = await container.logs().catch(() => "");
    await container.remove();
    throw new Error(`${(err as Error).message}\n${logs}`);
  }
  return container;
}

/** The server's own lines (podman adds its own complaints about systemd). */
function serverLines(logs: string): string {
  return logs.split("\n").filter((l) => l.startsWith("{")).join("\n");
}

const ISSUER = "https://auth.example.test";
const APP_SECRET = "container-app-secret-0123456789-abcdefghijklmn";
const ADMIN_TOKEN = "container-bootstrap-admin-token";

Deno.test({
  name:
    "container: the image builds with podman and serves discovery and /healthz on SQLite, read-only, as uid 10001, backups offline",
  ignore: MISSING.length > 0,
  sanitizeResources: false,
  async fn() {
    const t0 = performance.now();
    await ensureBaseImage();
    const t1 = performance.now();
    await buildImage();
    const t2 = performance.now();
    console.log(
      `base ${((t1 - t0) / 1000).toFixed(0)} s, build ${
        ((t2 - t1) / 1000).toFixed(0)
      } s`,
    );
    const server = await runServer(
      { app_secret: APP_SECRET, admin_token: ADMIN_TOKEN },
      {
        ISSUER,
        WORKERS: "2",
        APP_SECRET_FILE: "/run/secrets/app_secret",
        ADMIN_TOKEN_FILE: "/run/secrets/admin_token",
      },
    );
    try {
      const discovery = await (await fetch(
        `${server.base}/.well-known/openid-configuration`,
      )).json();
      assert.equal(discovery.issuer, ISSUER);
      assert.equal(discovery.token_endpoint, `${ISSUER}/token`);
      const health = await fetch(`${server.base}/healthz`);
      assert.deepEqual(await health.json(), {
        status: "ok",
        database: "ok",
        engine: "sqlite",
      });
      // The bootstrap token came from its secret file.
      const scopes = await fetch(`${server.base}/admin/scopes`, {
        headers: { "X-Admin-Token": ADMIN_TOKEN },
      });
      assert.equal(scopes.status, 200);
      await scopes.body?.cancel();

      const logs = serverLines(await server.logs());
      assert.deepEqual(troubleIn(logs), [], "no warning, not even APP_SECRET");
      assert.match(logs, /"argon2":"native","rs256_es256_signer":"openssl"/);
      const ids = await sh("podman", [
        "exec",
        server.name,
        "sh",
        "-c",
        "id -u; id -g; stat -c %u:%g:%a /data",
      ]);
      assert.deepEqual(ids.out.trim().split("\n"), [
        "10001",
        "10001",
        "10001:10001:700",
      ]);
      // The image's HEALTHCHECK, run by podman inside the container.
      const check = await sh("podman", ["healthcheck", "run", server.name], {
        allowFailure: true,
      });
      assert.equal(check.code, 0, check.out);

      // Stopped cleanly, then backed up from the volume with no network.
      await sh("podman", ["stop", "-t", "10", server.name]);
      const exit = await sh("podman", [
        "inspect",
        "-f",
        "{{.State.ExitCode}}",
        server.name,
      ]);
      assert.equal(exit.out.trim(), "0");
      const backup = await sh("podman", [
        "run",
        "--rm",
        ...RUN_FLAGS,
        "--network",
        "none",
        "--read-only",
        "-v",
        `${server.name}-data:/data`,
        "-e",
        `APP_SECRET=${APP_SECRET}`,
        IMAGE,
        "deno",
        "task",
        "backup",
        "/data/backup.db",
      ]);
      assert.match(
        backup.out,
        /backup written: \/data\/backup\.db .*integrity ok/,
      );
    } finally {
      await server.remove();
    }
    console.log(
      `container test ${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  },
});

Deno.test({
  name:
    "container: on PostgreSQL with DATABASE_URL and APP_SECRET as secret files (needs TEST_DATABASE_URL)",
  ignore: MISSING.length > 0 || !Deno.env.get("TEST_DATABASE_URL"),
  sanitizeResources: false,
  async fn() {
    const admin = Deno.env.get("TEST_DATABASE_URL")!;
    const name = `ctr_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
    const url = new URL(admin);
    url.pathname = `/${name}`;
    const query = async (statement: string) => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(statement).finally(() => c.end());
    };
    await query(`CREATE DATABASE ${name}`);
    try {
      await ensureBaseImage();
      await buildImage();
      const server = await runServer(
        { app_secret: APP_SECRET, database_url: url.toString() },
        {
          ISSUER,
          WORKERS: "2",
          APP_SECRET_FILE: "/run/secrets/app_secret",
          DATABASE_URL_FILE: "/run/secrets/database_url",
        },
      );
      try {
        const health = await (await fetch(`${server.base}/healthz`)).json();
        assert.equal(health.engine, "postgres");
        const discovery = await (await fetch(
          `${server.base}/.well-known/openid-configuration`,
        )).json();
        assert.equal(discovery.issuer, ISSUER);
        assert.deepEqual(troubleIn(serverLines(await server.logs())), []);
      } finally {
        await server.remove();
      }
    } finally {
      await query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  },
});

/**
 * The server as Deno Deploy runs it, as near as this machine gets: `deno
 * run` with only --allow-net, --allow-env and --allow-read (no FFI, so no
 * native argon2 and no OpenSSL; no writes; no subprocesses), PostgreSQL,
 * WORKERS=1, and Deno KV opened the way Deploy opens its built-in one,
 * `Deno.openKv()` with no path (DENO_KV_PATH unset: Deploy refuses DENO_*
 * variables). Locally that is a KV the runtime keeps in its own cache
 * directory for the `--location` origin, without any --allow-write; a
 * fresh origin per run keeps runs apart, and the test removes it.
 *
 * PostgreSQL only (Deploy has no lasting disk for SQLite): CI runs the suite
 * with TEST_DATABASE_URL too, so this runs there.
 */
import assert from "node:assert/strict";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { completeSetup } from "../../lib/admin/admin_token.ts";
import { loadConfig } from "../../lib/config.ts";
import { openDeps } from "../../lib/deps.ts";
import { seedDemoData } from "../../lib/dev/seed.ts";
import { createMemoryLogger } from "../../lib/log.ts";
import { Browser } from "../examples/browser.ts";
import { demoParams } from "../helpers/oauth.ts";
import { freePort } from "../helpers/server_process.ts";
import {
  freshDatabaseURL,
  TEST_APP_SECRET,
  testEngine,
} from "../helpers/test_app.ts";
import { ROOT, spawnServer, troubleIn } from "./server.ts";

/** Deno's own directory (for the KV it keeps per --location origin). */
async function denoDir(): Promise<string> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json"],
    cwd: ROOT,
  }).output();
  return JSON.parse(new TextDecoder().decode(out.stdout)).denoDir;
}

/**
 * Where Deno keeps the storage (and the default KV) of a --location origin:
 * DENO_DIR/location_data/<SHA-256 of the origin, hex>.
 */
async function originDir(origin: string): Promise<string> {
  return `${await denoDir()}/location_data/${await sha256Hex(origin)}`;
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(text),
  );
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

function form(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
}

Deno.test({
  name:
    "Deno Deploy stand-in (PostgreSQL only): net/env/read permissions, no FFI or writes; code flow, refresh and introspection work on the fallbacks",
  ignore: testEngine() !== "postgres",
  async fn() {
    const database = await freshDatabaseURL();
    const origin = `http://deploy-${crypto.randomUUID().slice(0, 8)}.invalid`;
    const port = freePort();
    const base = `http://127.0.0.1:${port}`;
    const server = await spawnServer({
      port,
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        "--allow-read",
        `--location=${origin}`,
        "main.ts",
      ],
      env: {
        DATABASE_URL: database.url,
        APP_SECRET: TEST_APP_SECRET,
        ISSUER: base,
        WORKERS: "1",
      },
      // Only the variables above (and PATH, HOME, DENO_DIR): no
      // DENO_KV_PATH, as on Deploy.
      clearEnv: true,
    });
    try {
      // The start-up line names the fallbacks, and nothing else complains
      // (a missing permission would be an error line or a crash).
      const crypto = server.log().split("\n").map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return null;
        }
      }).find((l) => l?.msg === "crypto");
      assert.equal(crypto?.argon2, "wasm", server.log());
      assert.equal(crypto?.rs256_es256_signer, "webcrypto");
      assert.deepEqual(troubleIn(server.log()), []);

      // Setup, users and the demo client, written by another process (as an
      // operator would from outside Deploy): the server reads PostgreSQL.
      const kv = await Deno.openKv(":memory:");
      const deps = await openDeps(
        loadConfig({ DATABASE_URL: database.url, APP_SECRET: TEST_APP_SECRET }),
        { kv, log: createMemoryLogger() },
      );
      assert.ok(await completeSetup(deps.db, deps.now()));
      await seedDemoData(deps);
      await deps.close();
      kv.close();

      // Sign-in (argon2 in wasm) and consent, then the code exchange.
      const browser = new Browser();
      const { params, verifier } = demoParams();
      const page = await browser.signIn(
        `${base}/authorize?${new URLSearchParams(
          params as Record<string, string>,
        )}`,
        { stopBefore: (url) => url.port === "3000" },
      );
      const code = page.url.searchParams.get("code");
      assert.ok(code, `no code: ${page.status} ${page.url}`);
      const exchanged = await form(`${base}/token`, {
        grant_type: "authorization_code",
        client_id: "demo-web",
        code,
        code_verifier: verifier,
        redirect_uri: params.redirect_uri!,
      });
      assert.equal(exchanged.status, 200);
      const tokens = await exchanged.json();

      // The ID token is RS256, signed through WebCrypto, and verifies
      // against the published JWKS.
      const jwks = createRemoteJWKSet(new URL(`${base}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(
        tokens.id_token,
        jwks,
        { issuer: base, audience: "demo-web" },
      );
      assert.equal(protectedHeader.alg, "RS256");
      assert.equal(payload.nonce, params.nonce);

      // Refresh rotates; the new access token introspects as active.
      const refreshed = await form(`${base}/token`, {
        grant_type: "refresh_token",
        client_id: "demo-web",
        refresh_token: tokens.refresh_token,
      });
      assert.equal(refreshed.status, 200);
      const rotated = await refreshed.json();
      assert.notEqual(rotated.refresh_token, tokens.refresh_token);
      const introspected = await (await form(`${base}/introspect`, {
        client_id: "demo-web",
        token: rotated.access_token,
      })).json();
      assert.equal(introspected.active, true);
      assert.equal(introspected.client_id, "demo-web");
      const userinfo = await fetch(`${base}/userinfo`, {
        headers: { Authorization: `Bearer ${rotated.access_token}` },
      });
      assert.equal((await userinfo.json()).preferred_username, "alice");

      // A failed sign-in is counted in the KV opened with no path: the one
      // the runtime keeps for this origin.
      const failed = await new Browser().signIn(
        `${base}/authorize?${new URLSearchParams(
          demoParams().params as Record<string, string>,
        )}`,
        { password: "wrong", stopBefore: (url) => url.port === "3000" },
      );
      assert.equal(failed.status, 401, "the sign-in page again");
      const runtimeKV = await Deno.openKv(
        `${await originDir(origin)}/kv.sqlite3`,
      );
      const counters = await Array.fromAsync(
        runtimeKV.list({ prefix: ["budget"] }),
      );
      runtimeKV.close();
      assert.ok(counters.length > 0, "the failure was counted there");
      assert.deepEqual(troubleIn(server.log()), []);
    } finally {
      assert.equal(await server.stop(), 0, server.log());
      await database.drop();
      await Deno.remove(await originDir(origin), { recursive: true })
        .catch(() => {});
    }
  },
});

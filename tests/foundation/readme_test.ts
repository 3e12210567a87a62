/**
 * README.md as a newcomer follows it, and the links of the documentation:
 *
 * - The quickstart's marked shell blocks (`<!-- test: NAME -->` above a
 *   fence), run with bash and curl exactly as written, against the server
 *   `deno task start` runs (a real process on a free port), after setup
 *   through the setup code it logs, as a person does it at /setup. The
 *   browser steps (sign-in and consent) are played over HTTP from the real
 *   forms. docs/endpoints.md's marked blocks (discovery, introspection,
 *   revocation, logout) run the same way.
 * - The README's openid-client snippet runs against the same server.
 * - The configuration table names exactly the variables lib/config.ts reads.
 * - Every relative link in README.md, docs/ and examples/README.md reaches
 *   a file (and heading); README.md links nothing outside the repository.
 * @module
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config.ts";
import { readPage } from "../helpers/oauth.ts";
import {
  completeSetupOverHTTP,
  postFormOverHTTP,
  startServer,
} from "../helpers/server_process.ts";
import { CookieJar } from "../helpers/test_app.ts";

const ROOT = new URL("../../", import.meta.url);
const README = await Deno.readTextFile(new URL("README.md", ROOT));
const ENDPOINTS = await Deno.readTextFile(new URL("docs/endpoints.md", ROOT));

/** The marked shell blocks of a Markdown text, by name, unindented. */
function markedBlocks(markdown: string): Map<string, string> {
  const blocks = new Map<string, string>();
  const marked = /<!-- test: ([\w-]+) -->\s*\n( *)```bash\n([\s\S]*?)\n *```/g;
  for (const [, name, indent, body] of markdown.matchAll(marked)) {
    assert.ok(!blocks.has(name), `two blocks named ${name}`);
    const lines = body.split("\n").map((l) =>
      l.startsWith(indent) ? l.slice(indent.length) : l
    );
    blocks.set(name, lines.join("\n"));
  }
  return blocks;
}

const BLOCKS = new Map([...markedBlocks(README), ...markedBlocks(ENDPOINTS)]);

/** Runs a marked block with bash; `vars` are the shell variables it uses. */
async function run(
  name: string,
  vars: Record<string, string>,
): Promise<string> {
  const script = BLOCKS.get(name);
  assert.ok(script, `no block marked "test: ${name}"`);
  const out = await new Deno.Command("bash", {
    args: ["-euc", script],
    clearEnv: true,
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", ...vars },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(
    out.code,
    0,
    `${name}: exit ${out.code}\n${text}${new TextDecoder().decode(out.stderr)}`,
  );
  return text;
}

/** A block's output parsed as JSON (the answers are read field by field). */
async function runJSON(
  name: string,
  vars: Record<string, string>,
  // deno-lint-ignore no-explicit-any
): Promise<any> {
  const text = await run(name, vars);
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${name} printed no JSON:\n${text}`);
  }
}

/**
 * Opens an authorization URL as a browser: signs in as `username` and
 * allows on the consent page; returns where the server sends the browser.
 */
async function signInAndAllow(
  base: string,
  url: string,
  username: string,
  password: string,
): Promise<URL> {
  const jar = new CookieJar();
  let res = await fetch(url, {
    headers: { Accept: "text/html" },
    redirect: "manual",
  });
  jar.capture(res);
  for (let step = 0; step < 4 && res.status === 200; step++) {
    const { fields } = readPage(await res.text());
    const answer: Record<string, string> | null = fields._action === "login"
      ? { username, password }
      : fields._action === "consent"
      ? { decision: "allow" }
      : null;
    assert.ok(answer, `unexpected page at step ${step}`);
    res = await postFormOverHTTP(base, "/authorize", {
      ...fields,
      ...answer,
    }, jar);
  }
  await res.body?.cancel();
  const location = res.headers.get("Location");
  assert.ok(location, `no redirect: ${res.status}`);
  return new URL(location);
}

/** The README's openid-client snippet, its browser step played by `browse`. */
async function runOpenIDClientSnippet(
  issuer: string,
  clientSecret: string,
  browse: (url: URL) => Promise<URL>,
): Promise<Record<string, unknown>> {
  const snippet = README.match(
    /\*\*openid-client 6\*\*[^\n]*\n\n```js\n([\s\S]*?)\n```/,
  )?.[1];
  assert.ok(snippet, "the README has the openid-client snippet");
  const [signIn, callback] = snippet.split(
    "// ...redirect the browser to signInURL.href\n",
  );
  assert.ok(callback, "the snippet marks where the browser goes");
  const source = signIn.replace("http://127.0.0.1:8000", issuer) +
    "const callbackURL = await globalThis.readmeBrowse(signInURL);\n" +
    callback + "\nglobalThis.readmeResult = { claims, profile, refreshed };\n";
  const file = await Deno.makeTempFile({ suffix: ".js" });
  const g = globalThis as Record<string, unknown>;
  Deno.env.set("CLIENT_SECRET", clientSecret);
  g.readmeBrowse = browse;
  try {
    await Deno.writeTextFile(file, source);
    await import(`file://${file}`);
    return g.readmeResult as Record<string, unknown>;
  } finally {
    Deno.env.delete("CLIENT_SECRET");
    delete g.readmeBrowse;
    delete g.readmeResult;
    await Deno.remove(file);
  }
}

Deno.test("README quickstart: its curl blocks, as written, take a fresh server from setup to tokens, userinfo, rotation, a client and a user; the openid-client snippet signs in", async () => {
  const server = await startServer({
    env: { ENABLE_DEV_ENDPOINTS: "true", ADMIN_TOKEN: null },
  });
  try {
    const base = server.base;
    // Step 1: the setup code line, as the README shows it.
    const announced = JSON.parse(
      await server.waitForLine(/"msg":"setup code"/),
    );
    assert.equal(announced.level, "info");
    assert.match(announced.code, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    assert.equal(announced.url, `${base}/setup`);
    // Step 2.
    const adminToken = await completeSetupOverHTTP(base, announced.code);
    const vars = { BASE: base, ADMIN_TOKEN: adminToken };

    // Step 3.
    const seeded = await runJSON("seed", vars);
    assert.deepEqual(
      seeded.users.map((u: { username: string }) => u.username),
      ["alice", "bob"],
    );
    assert.deepEqual(
      seeded.clients.map((c: { client_id: string }) => c.client_id),
      [
        "demo-web",
      ],
    );

    // Step 5: PKCE, the authorization URL, the browser, the code.
    const pkce = await runJSON("pkce", vars);
    assert.equal(pkce.method, "S256");
    const url = (await run("authorize-url", {
      ...vars,
      CHALLENGE: pkce.code_challenge,
    })).trim();
    assert.ok(url.startsWith(`${base}/authorize?`), url);
    const callback = await signInAndAllow(base, url, "alice", "alice");
    assert.equal(
      `${callback.origin}${callback.pathname}`,
      "http://localhost:3000/callback",
    );
    assert.equal(callback.searchParams.get("iss"), base);
    const code = callback.searchParams.get("code");
    assert.ok(code, "the code is in the callback URL");

    const tokens = await runJSON("exchange", {
      ...vars,
      VERIFIER: pkce.code_verifier,
      CODE: code,
    });
    for (const member of ["access_token", "refresh_token", "id_token"]) {
      assert.equal(typeof tokens[member], "string", member);
    }
    assert.equal(tokens.scope, "openid profile email offline_access");
    const userinfo = await runJSON("userinfo", {
      ACCESS_TOKEN: tokens.access_token,
      BASE: base,
    });
    assert.equal(userinfo.name, "Alice Liddell");
    assert.equal(userinfo.email, "alice@example.com");

    const refreshed = await runJSON("refresh", {
      BASE: base,
      REFRESH_TOKEN: tokens.refresh_token,
    });
    assert.equal(typeof refreshed.refresh_token, "string");
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    // "the old one stops working; using an old one again revokes every
    // token of that sign-in".
    const reused = await runJSON("refresh", {
      BASE: base,
      REFRESH_TOKEN: tokens.refresh_token,
    });
    assert.equal(reused.error, "invalid_grant");
    const afterReuse = await runJSON("refresh", {
      BASE: base,
      REFRESH_TOKEN: refreshed.refresh_token,
    });
    assert.equal(afterReuse.error, "invalid_grant");
    // "A code works once" (a replay would also revoke what it issued).
    const again = await runJSON("exchange", {
      ...vars,
      VERIFIER: pkce.code_verifier,
      CODE: code,
    });
    assert.equal(again.error, "invalid_grant");

    // Step 7.
    const client = await runJSON("create-client", vars);
    assert.equal(client.client_id, "my-app");
    assert.equal(typeof client.client_secret, "string");
    const user = await runJSON("create-user", vars);
    assert.equal(user.username, "carol");

    // The openid-client snippet, for my-app, signing in as carol.
    const result = await runOpenIDClientSnippet(
      base,
      client.client_secret,
      (signInURL) =>
        signInAndAllow(
          base,
          signInURL.href,
          "carol",
          "correct horse battery staple",
        ).then((to) => {
          assert.equal(
            `${to.origin}${to.pathname}`,
            "http://localhost:4000/callback",
          );
          return to;
        }),
    );
    const claims = result.claims as Record<string, unknown>;
    const profile = result.profile as Record<string, unknown>;
    const snippetRefresh = result.refreshed as Record<string, unknown>;
    assert.equal(claims.iss, base);
    assert.equal(claims.aud, "my-app");
    assert.equal(profile.sub, claims.sub);
    assert.equal(profile.email, "carol@example.com");
    assert.equal(typeof snippetRefresh.access_token, "string");
  } finally {
    await server.close();
  }
});

Deno.test("docs/endpoints.md: its discovery, introspection, revocation and logout curls, as written", async () => {
  const server = await startServer({
    env: { ENABLE_DEV_ENDPOINTS: "true" },
  });
  try {
    const base = server.base;
    // Setup with the bootstrap ADMIN_TOKEN as the proof.
    const adminToken = await completeSetupOverHTTP(base, server.adminToken);
    const vars = { BASE: base, ADMIN_TOKEN: adminToken };
    const discovery = await runJSON("discovery", vars);
    assert.equal(discovery.issuer, base);
    assert.equal(discovery.introspection_endpoint, `${base}/introspect`);

    await runJSON("seed", vars);
    const pkce = await runJSON("pkce", vars);
    const url = (await run("authorize-url", {
      ...vars,
      CHALLENGE: pkce.code_challenge,
    })).trim();
    const code = (await signInAndAllow(base, url, "bob", "bob")).searchParams
      .get("code")!;
    const tokens = await runJSON("exchange", {
      ...vars,
      VERIFIER: pkce.code_verifier,
      CODE: code,
    });

    const active = await runJSON("introspect-public", {
      BASE: base,
      TOKEN: tokens.access_token,
    });
    assert.equal(active.active, true);
    assert.equal(active.client_id, "demo-web");
    assert.equal(active.token_type, "Bearer");
    assert.equal(active.username, "bob");
    assert.equal(active.scope, "openid profile email offline_access");

    // Revoking the refresh token ends the grant: its access token too.
    assert.equal(
      await run("revoke-public", { BASE: base, TOKEN: tokens.refresh_token }),
      "",
    );
    const inactive = await runJSON("introspect-public", {
      BASE: base,
      TOKEN: tokens.access_token,
    });
    assert.deepEqual(inactive, { active: false });

    const logout = await run("logout", { BASE: base });
    assert.match(logout, /^HTTP\/1\.1 30[23]/);
    assert.match(
      logout,
      /^location: http:\/\/localhost:3000\/\?state=bye\r?$/im,
    );
  } finally {
    await server.close();
  }
});

/** The variables `loadConfig` reads, recorded as it reads them. */
function variablesConfigReads(): Set<string> {
  const read = new Set<string>();
  loadConfig(
    new Proxy({}, {
      get(_, name) {
        if (typeof name === "string") read.add(name);
        return undefined;
      },
    }),
  );
  return read;
}

Deno.test("README configuration table: names exactly the variables lib/config.ts reads", () => {
  const section = README.split("\n## Configuration\n")[1]?.split("\n## ")[0];
  assert.ok(section, "the README has a Configuration section");
  const listed = new Set<string>();
  for (const line of section.split("\n")) {
    const first = line.match(/^\| ([^|]+)\|/)?.[1];
    if (!first || first.startsWith("-") || first.trim() === "variable") {
      continue;
    }
    for (const [, name] of first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)) {
      listed.add(name);
    }
  }
  const read = variablesConfigReads();
  assert.ok(read.has("SMTP_URL_FILE") && read.has("PORT"), [...read].join());
  assert.deepEqual([...listed].sort(), [...read].sort());
});

/** GitHub's anchors for the headings of a Markdown text. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const [, heading] of withoutCode(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

/** The text with fenced blocks and inline code blanked out. */
function withoutCode(markdown: string): string {
  return markdown.replace(/^( *)```[\s\S]*?^\1```/gm, "")
    .replace(/`[^`\n]*`/g, "``");
}

function markdownLinks(markdown: string): string[] {
  return [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((m) =>
    m[1]
  );
}

async function documentationFiles(): Promise<URL[]> {
  const files = [
    new URL("README.md", ROOT),
    new URL("examples/README.md", ROOT),
  ];
  for await (const e of Deno.readDir(new URL("docs/", ROOT))) {
    if (e.isFile && e.name.endsWith(".md")) {
      files.push(new URL(`docs/${e.name}`, ROOT));
    }
  }
  return files;
}

Deno.test("documentation links: every relative link in README.md, docs/ and examples/README.md reaches a file and heading; README links only into the repository", async () => {
  const broken: string[] = [];
  let checked = 0;
  for (const file of await documentationFiles()) {
    const text = await Deno.readTextFile(file);
    const name = file.pathname.slice(ROOT.pathname.length);
    for (const link of markdownLinks(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) {
        if (name === "README.md") broken.push(`${name}: ${link} (external)`);
        continue;
      }
      checked++;
      const [path, anchor] = link.split("#");
      const target = path ? new URL(path, file) : file;
      let targetText: string | null = null;
      try {
        const info = await Deno.stat(target);
        if (info.isFile && target.pathname.endsWith(".md")) {
          targetText = await Deno.readTextFile(target);
        }
      } catch {
        broken.push(`${name}: ${link} (no such file)`);
        continue;
      }
      if (anchor && targetText !== null && !anchors(targetText).has(anchor)) {
        broken.push(`${name}: ${link} (no such heading)`);
      }
    }
    if (name === "README.md") {
      for (const banned of ["DESIGN.md", "../shared"]) {
        if (text.includes(banned)) broken.push(`${name}: mentions ${banned}`);
      }
    }
  }
  assert.ok(checked > 20, `only ${checked} links found`);
  assert.deepEqual(broken, []);
});

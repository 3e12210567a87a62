/**
 * Development entry, like Fresh's dev.ts: regenerates routes.gen.ts,
 * client.gen.ts, static/islands.js and docs/openapi.json (the admin API's
 * OpenAPI description), then serves main.ts with --watch and regenerates
 * when routes/ or islands/ change.
 *
 *   deno task dev              regenerate, serve, watch
 *   deno task build            regenerate once
 *   deno run -A dev.ts --check fail when a generated file is stale
 */
import {
  adminOpenAPIText,
  DEFAULT_SERVER_URL,
} from "./lib/admin/openapi/document.ts";
import {
  bundleIslands,
  generateClientEntry,
  GENERATED,
  generateRoutesManifest,
} from "./lib/dev/manifest.ts";

const OPENAPI_DOC = new URL("docs/openapi.json", import.meta.url);

function openAPIText(): string {
  return adminOpenAPIText({ serverURL: DEFAULT_SERVER_URL });
}

async function readOrEmpty(url: URL): Promise<string> {
  try {
    return await Deno.readTextFile(url);
  } catch {
    return "";
  }
}

async function writeIfChanged(url: URL, text: string): Promise<void> {
  if ((await readOrEmpty(url)) !== text) await Deno.writeTextFile(url, text);
}

async function build(): Promise<void> {
  await writeIfChanged(GENERATED.routes, await generateRoutesManifest());
  await writeIfChanged(GENERATED.client, await generateClientEntry());
  await writeIfChanged(GENERATED.bundle, await bundleIslands());
  await writeIfChanged(OPENAPI_DOC, openAPIText());
}

async function check(): Promise<boolean> {
  const expected: [URL, string][] = [
    [GENERATED.routes, await generateRoutesManifest()],
    [GENERATED.client, await generateClientEntry()],
    // Rebuilt from the committed entry and compared byte for byte.
    [GENERATED.bundle, await bundleIslands()],
    [OPENAPI_DOC, openAPIText()],
  ];
  let fresh = true;
  for (const [url, text] of expected) {
    if ((await readOrEmpty(url)) !== text) {
      const name = url.pathname.split("/").slice(-2).join("/");
      console.error(`stale: ${name} (run deno task build)`);
      fresh = false;
    }
  }
  return fresh;
}

if (import.meta.main) {
  if (Deno.args.includes("--check")) Deno.exit((await check()) ? 0 : 1);
  await build();
  if (Deno.args.includes("--build")) Deno.exit(0);

  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--watch", "main.ts"],
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  // Take the server down with us, so no orphan keeps the port.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    Deno.addSignalListener(signal, () => {
      try {
        server.kill("SIGKILL"); // --watch keeps running after main.ts exits
      } catch { /* already gone */ }
      Deno.exit(0);
    });
  }
  const watcher = Deno.watchFs(["routes", "islands", "components"]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  (async () => {
    for await (const _event of watcher) {
      clearTimeout(timer);
      timer = setTimeout(() => {
        build().catch((err) => console.error("rebuild failed:", err.message));
      }, 100);
    }
  })();
  await server.status;
}

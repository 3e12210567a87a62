/**
 * Production entry: config -> database (migrated) -> keys -> app -> serve.
 */
import { createApp } from "./lib/app.tsx";
import { ConfigError, loadConfig } from "./lib/config.ts";
import { openDeps } from "./lib/deps.ts";
import { manifest } from "./routes.gen.ts";

if (import.meta.main) {
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`configuration error: ${err.message}`);
      Deno.exit(1);
    }
    throw err;
  }
  const deps = await openDeps(config);
  const app = await createApp(deps, manifest);
  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    onListen: ({ hostname, port }) => {
      deps.log.log("info", "listening", {
        url: `http://${hostname}:${port}`,
        issuer: config.issuer,
        database: deps.engine,
      });
    },
  }, app.fetch);
  const shutdown = async () => {
    await server.shutdown();
    await deps.close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
}

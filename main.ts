/**
 * Production entry: config -> storage prepared (migrations, scopes, first
 * key) -> serve on every core (WORKERS threads sharing the port) or on this
 * thread when WORKERS=1.
 */
import { ConfigError, loadConfig } from "./lib/config.ts";
import { createConsoleLogger } from "./lib/log.ts";
import { serveMetricsPort } from "./lib/metrics/exposition.ts";
import {
  prepareStorage,
  serveHere,
  serveWithWorkers,
  startCheckpointerFor,
} from "./lib/server.ts";
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
  const log = createConsoleLogger();
  let close: () => Promise<void>;
  // Storage first: migrations create the file the checkpointer opens.
  await prepareStorage(config, log);
  const checkpointer = await startCheckpointerFor(config, log);
  const checkpointsElsewhere = checkpointer !== null;
  if (config.workers > 1) {
    const pool = await serveWithWorkers(config.workers, log, {
      checkpointsElsewhere,
    });
    close = pool.close;
  } else {
    const server = await serveHere(config, manifest, {
      log,
      checkpointsElsewhere,
    });
    close = server.close;
  }
  if (checkpointer) {
    const closeServer = close;
    close = async () => {
      await closeServer();
      await checkpointer.stop();
    };
  }
  if (config.metricsPort !== null) {
    const metrics = serveMetricsPort(config.metricsPort, config.workers);
    const closeServer = close;
    close = async () => {
      await metrics.shutdown();
      await closeServer();
    };
  }
  log.log("info", "listening", {
    url: `http://${
      config.host.includes(":") ? `[${config.host}]` : config.host
    }:${config.port}`,
    issuer: config.issuer,
    database: config.database.engine,
    workers: config.workers,
    metrics_port: config.metricsPort,
  });
  const shutdown = async () => {
    await close();
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", shutdown);
  Deno.addSignalListener("SIGTERM", shutdown);
}

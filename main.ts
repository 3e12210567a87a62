/**
 * Production entry: config -> the port claimed (one server per port) ->
 * storage prepared (migrations, scopes, first key) -> serve on every core
 * (WORKERS threads sharing the port) or on this thread when WORKERS=1.
 * SIGINT/SIGTERM stop it gracefully (exit 0) at any point, during start
 * included; a failure an operator must fix is one log line and exit 1.
 */
import { ConfigError, loadConfig } from "./lib/config.ts";
import { Generation } from "./lib/db/invalidation.ts";
import { DatabaseOpenError } from "./lib/db/sqlite_dialect.ts";
import { createWriteLockMemory, WriteLock } from "./lib/db/write_lock.ts";
import { isDatabaseUnavailable } from "./lib/db/unavailable.ts";
import { UndecryptableKeysError } from "./lib/keys.ts";
import { createConsoleLogger, type Logger } from "./lib/log.ts";
import { serveMetricsPort } from "./lib/metrics/exposition.ts";
import { claimPort, PortInUseError } from "./lib/port_claim.ts";
import {
  prepareStorage,
  serveHere,
  startCheckpointerFor,
} from "./lib/server.ts";
import { serveWithWorkers } from "./lib/worker_pool.ts";
import { manifest } from "./routes.gen.ts";

/** What was started, stopped in reverse order. */
const closers: (() => Promise<void> | void)[] = [];
let stopping: Promise<void> | null = null;
let started = false;

async function stop(code: number): Promise<void> {
  stopping ??= (async () => {
    for (const close of closers.reverse()) await close();
    Deno.exit(code);
  })();
  await stopping;
}

/** A signal during start is honoured once start reaches a safe point. */
let signalled = false;
function onSignal(): void {
  signalled = true;
  if (started) void stop(0);
}

/** Stops here when a signal came in during start. */
async function checkpoint(): Promise<void> {
  if (signalled) await stop(0);
}

/** The one line for a failure the operator must fix, or null. */
function operatorError(
  err: unknown,
  appSecretFile: string | null,
): string | null {
  if (err instanceof PortInUseError || err instanceof DatabaseOpenError) {
    return err.message;
  }
  // A server thread's failure arrives as an Error carrying the class name.
  if (
    err instanceof Error &&
    (err.name === "PortInUseError" || err.name === "DatabaseOpenError")
  ) {
    return err.message;
  }
  if (isDatabaseUnavailable(err)) {
    return `the database (DATABASE_URL) cannot be reached: ${
      (err as Error).message
    }`;
  }
  if (err instanceof UndecryptableKeysError) {
    const secret = appSecretFile === null
      ? "APP_SECRET"
      : `the APP_SECRET file ${appSecretFile} (APP_SECRET is unset)`;
    return `signing keys ${err.kids.join(", ")} cannot be decrypted: ` +
      `${secret} differs from the secret they were stored with. ` +
      `Restore that secret and start again, or run ` +
      "`deno task admin:reset-keys --yes` to delete these keys and create " +
      "a new one: every ID token and JWT access token they signed then " +
      "fails to verify (users sign in again; relying parties fetch the new " +
      "JWKS); opaque tokens, sessions and clients are not affected";
  }
  return null;
}

async function main(log: Logger): Promise<void> {
  let config;
  try {
    config = loadConfig(Deno.env.toObject());
  } catch (err) {
    if (err instanceof ConfigError) {
      log.log("error", `configuration error: ${err.message}`);
      Deno.exit(1);
    }
    throw err;
  }
  const secretFile = config.appSecret === null ? config.appSecretFile : null;
  try {
    const claim = await claimPort(config.host, config.port);
    closers.push(() => claim.release());
    await checkpoint();
    // One cache counter for every thread of this process.
    const generation = new Generation();
    // Storage first: migrations create the file the checkpointer opens.
    await prepareStorage(config, log, { generation });
    await checkpoint();
    // One write lock for the server threads and the checkpointer.
    const writeLock = createWriteLockMemory();
    const checkpointer = await startCheckpointerFor(config, log, writeLock);
    if (checkpointer) closers.push(() => checkpointer.stop());
    const checkpointsElsewhere = checkpointer !== null;
    if (config.workers > 1) {
      const pool = await serveWithWorkers(config.workers, log, {
        checkpointsElsewhere,
        generation,
        writeLock,
        env: Deno.env.toObject(),
        onFatal: () => void stop(1),
      });
      closers.push(() => pool.close());
    } else {
      const server = await serveHere(config, manifest, {
        log,
        checkpointsElsewhere,
        generation,
        writeLock: new WriteLock(writeLock),
      });
      closers.push(() => server.close());
    }
    if (config.metricsPort !== null) {
      const metrics = serveMetricsPort(config.metricsPort, config.workers);
      closers.push(() => metrics.shutdown());
    }
  } catch (err) {
    const line = operatorError(err, secretFile);
    if (line === null) throw err;
    log.log("error", line);
    await stop(1);
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
  started = true;
  await checkpoint();
}

if (import.meta.main) {
  // Listening from the first moment: a SIGTERM while the threads start
  // used to meet the default action (exit 143).
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  await main(createConsoleLogger());
}

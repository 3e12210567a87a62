/**
 * Everything a request handler needs, opened once per process: config,
 * database (migrated), Deno KV, signing keys, clock, logger. Tests build the
 * same thing with a fresh database and an injected clock.
 * @module
 */
import type { Config } from "./config.ts";
import {
  connectDatabase,
  type DatabaseHandle,
  type Engine,
} from "./db/connect.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { Generation } from "./db/invalidation.ts";
import type { WriteLock } from "./db/write_lock.ts";
import type { DB } from "./db/schema.ts";
import { insertScopesIfAbsent } from "./db/scopes.ts";
import { KeyStore } from "./keys.ts";
import { createMailer, type Mailer } from "./mail/mailer.ts";
import { reportPoolFrom } from "./metrics/metrics.ts";
import { createConsoleLogger, type Logger } from "./log.ts";
import { DEFAULT_SCOPES } from "./oidc/default_scopes.ts";
import { SetupState } from "./admin/admin_token.ts";
import { resolveAppSecret } from "./security/app_secret.ts";
import { FailureBudgets } from "./security/rate_limit.ts";
import { FloodCap } from "./security/request_flood.ts";
import { SharedCounters } from "./security/shared_counters.ts";
import { createSafeFetcher, type SafeFetcher } from "./net/safe_fetch.ts";

export interface Deps {
  config: Config;
  db: DB;
  engine: Engine;
  kv: Deno.Kv;
  /** Failure budgets (sign-in, client auth, admin token, setup). */
  budgets: FailureBudgets;
  /** The per-process cap on requests per client address. */
  floodCap: FloodCap;
  keys: KeyStore;
  /** Every request the server makes goes through it (lib/net/safe_fetch.ts). */
  fetcher: SafeFetcher;
  /** Outgoing mail (lib/mail/mailer.ts); `enabled` is false without SMTP_URL. */
  mail: Mailer;
  appSecret: string;
  setup: SetupState;
  log: Logger;
  /** Current time, epoch seconds. Injected so tests never sleep. */
  now(): number;
  close(): Promise<void>;
}

export interface OpenOptions {
  log?: Logger;
  now?: () => number;
  /** An already-open KV (tests use an in-memory one). */
  kv?: Deno.Kv;
  /** SQLite: a checkpointer thread runs (lib/db/checkpointer.ts). */
  checkpointsElsewhere?: boolean;
  /**
   * The process's shared attempt counters (lib/security/shared_counters.ts),
   * from the main thread; absent: this thread is the whole process.
   */
  sharedCounters?: SharedArrayBuffer;
  /**
   * The process's per-address request counts (lib/security/request_flood.ts),
   * from the main thread; absent: this thread is the whole process.
   */
  floodCounters?: SharedArrayBuffer;
  /**
   * The cache counter shared with the process's other server threads
   * (lib/db/invalidation.ts); default: one of this app's own.
   */
  generation?: Generation;
  /** SQLite: the write lock of the process's server threads (lib/db/write_lock.ts). */
  writeLock?: WriteLock;
  /** A fetcher of the test's own (lib/net/safe_fetch.ts options). */
  fetcher?: SafeFetcher;
}

function systemNow(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Brings the schema up to date. On PostgreSQL this runs on a connection of
 * its own without the per-query timeout: it may wait for another instance's
 * migration (advisory lock) far longer than a request may wait for a query.
 */
async function migrate(
  config: Config,
  handle: DatabaseHandle,
): Promise<string[]> {
  if (handle.engine !== "postgres") return await migrateToLatest(handle.db);
  const own = connectDatabase(config.database, {
    poolSize: 1,
    queryTimeoutMs: 0,
  });
  try {
    return await migrateToLatest(own.db);
  } finally {
    await own.close();
  }
}

/** Opens and prepares every dependency; the caller owns `close()`. */
export async function openDeps(
  config: Config,
  options: OpenOptions = {},
): Promise<Deps> {
  const log = options.log ?? createConsoleLogger();
  const now = options.now ?? systemNow;
  // Warned about once per start, by lib/server.ts prepareStorage.
  const { secret } = await resolveAppSecret(
    config.appSecret,
    config.appSecretFile,
  );
  const handle = connectDatabase(config.database, {
    poolSize: config.databasePoolSize,
    queryTimeoutMs: config.databaseQueryTimeoutMs,
    checkpointsElsewhere: options.checkpointsElsewhere,
    generation: options.generation ?? new Generation(),
    writeLock: options.writeLock,
  });
  try {
    const applied = await migrate(config, handle);
    if (applied.length) log.log("info", "migrations applied", { applied });
    await insertScopesIfAbsent(handle.db, DEFAULT_SCOPES, now());
    const keys = await KeyStore.open(handle.db, secret, now, {
      jwksMaxAge: config.jwksMaxAge,
    });
    const kv = options.kv ?? await Deno.openKv(config.kvPath ?? undefined);
    reportPoolFrom(handle.poolStats ?? null);
    const fetcher = options.fetcher ?? createSafeFetcher({
      allowLoopback: config.outbound.allowLoopback,
      caCerts: config.outbound.caCerts ?? undefined,
    });
    if (config.outbound.allowLoopback) {
      log.log(
        "warn",
        "OUTBOUND_ALLOW_LOOPBACK is on: the server fetches " +
          "from loopback addresses (development only)",
        {},
      );
    }
    const mail = createMailer(config.mail, log);
    return {
      config,
      db: handle.db,
      engine: handle.engine,
      kv,
      budgets: new FailureBudgets(
        kv,
        new SharedCounters(options.sharedCounters),
        log,
      ),
      floodCap: new FloodCap(
        config.requestsPerSecondPerIP,
        options.floodCounters,
      ),
      keys,
      fetcher,
      mail,
      appSecret: secret,
      setup: new SetupState(),
      log,
      now,
      async close() {
        await mail.close();
        if (!options.kv) kv.close();
        await handle.close();
      },
    };
  } catch (err) {
    await handle.close();
    throw err;
  }
}

/**
 * Environment -> typed, validated configuration. The only module that reads
 * `Deno.env`; everything else receives a `Config`.
 * @module
 */
import { z } from "zod";
import { parseTrustedProxies, type ProxyNetwork } from "./http/proxies.ts";
import { FALLBACK_LOCALE, type Locale, LOCALES } from "./i18n/locales.ts";
import { MAX_REQUESTS_PER_SECOND } from "./security/request_flood.ts";
import {
  REGISTRATION_POLICIES,
  type RegistrationPolicy,
} from "./oauth/vocabulary.ts";

/**
 * PostgreSQL: how long one query may take before the request answers 503
 * (every query here is a lookup by key or a small write, so past this the
 * database is down, frozen or overloaded). DATABASE_QUERY_TIMEOUT_MS.
 */
export const DEFAULT_DATABASE_QUERY_TIMEOUT_MS = 2_500;

/**
 * The JWKS `Cache-Control: max-age` (JWKS_MAX_AGE): how long a relying
 * party may keep a JWKS, so how long a rotated key waits before it signs.
 */
export const DEFAULT_JWKS_MAX_AGE = 60;

/**
 * Requests one client address may make per second to one process
 * (REQUESTS_PER_SECOND_PER_IP, lib/security/request_flood.ts): far above
 * what a person or an app sends, far below what the server can answer.
 */
export const DEFAULT_REQUESTS_PER_SECOND_PER_IP = 1_000;

/** Where the relational data lives. */
export type DatabaseTarget =
  | { engine: "sqlite"; path: string }
  | { engine: "postgres"; url: string };

/** Self-registration (REGISTRATION): off, open to anyone, or by admin invitation. */
export const REGISTRATION_MODES = ["off", "open", "invite"] as const;
export type RegistrationMode = (typeof REGISTRATION_MODES)[number];

/** Whether people can create accounts at all (prompt=create, the sign-in page's link). */
export function registrationOpen(mode: RegistrationMode): boolean {
  return mode !== "off";
}

/** Outgoing mail (SMTP_URL and MAIL_FROM); null: flows that need mail are off. */
export interface MailConfig {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  smtpURL: string;
  /** The From of every mail: `Name <address>` or an address. */
  from: string;
}

export interface Config {
  host: string;
  port: number;
  /** Public base URL; the `iss` of every token. Never taken from a request. */
  issuer: string;
  /**
   * Secret for cookies and key encryption: APP_SECRET, else the contents of
   * APP_SECRET_FILE when that file exists; null means "generate and persist".
   */
  appSecret: string | null;
  /** Where a generated APP_SECRET is kept when APP_SECRET is unset. */
  appSecretFile: string;
  database: DatabaseTarget;
  enableDevEndpoints: boolean;
  /** Bootstrap admin token, accepted only until setup completes. */
  bootstrapAdminToken: string | null;
  /** Local Deno KV file; null uses the runtime default (Deno Deploy). */
  kvPath: string | null;
  /** Max PostgreSQL connections per process. */
  databasePoolSize: number;
  /** PostgreSQL: a query running longer fails (503); 0: no limit. */
  databaseQueryTimeoutMs: number;
  /** Proxies whose X-Forwarded-For names the client (lib/http/proxies.ts). */
  trustedProxies: ProxyNetwork[];
  /** Requests per second from one address to this process; 0: no cap. */
  requestsPerSecondPerIP: number;
  /** Log one line per request. */
  logRequests: boolean;
  /**
   * Server threads sharing the port (SO_REUSEPORT). Defaults to the number
   * of cores; 1 serves on the main thread. An in-memory SQLite database
   * cannot be shared, so it always gets 1.
   */
  workers: number;
  /** Serve /metrics without auth on 127.0.0.1 at this port (null: off). */
  metricsPort: number | null;
  /**
   * The JWKS `Cache-Control: max-age`, seconds; a rotated key signs only
   * after it has passed (lib/key_schedule.ts). JWKS_MAX_AGE.
   */
  jwksMaxAge: number;
  /**
   * What the server's own fetches (lib/net/safe_fetch.ts) may reach beyond
   * public addresses: loopback, for development and tests only
   * (OUTBOUND_ALLOW_LOOPBACK), and extra trusted CAs (OUTBOUND_CA_FILE).
   */
  outbound: { allowLoopback: boolean; caCerts: string[] | null };
  /**
   * Registration settings pinned by the environment (the admin UI shows
   * them and cannot change them); unset: the admin setting, else the
   * default (lib/oauth/clients/registration_settings.ts).
   */
  clientRegistration: {
    publicClients?: RegistrationPolicy;
    confidentialClients?: RegistrationPolicy;
    metadataDocuments?: boolean;
  };
  /** SMTP_URL + MAIL_FROM; null when mail is not configured. */
  mail: MailConfig | null;
  /** REGISTRATION: who may create an account on /account/register. */
  registration: RegistrationMode;
  /**
   * DEFAULT_LOCALE: the language of the end-user pages and mails when
   * neither ui_locales nor Accept-Language names one we have.
   */
  defaultLocale: Locale;
}

/** A bad environment variable; `message` is one line naming it. */
export class ConfigError extends Error {
  override name = "ConfigError";
  constructor(readonly variable: string, readonly reason: string) {
    super(`${variable}: ${reason}`);
  }
}

const TRUE_WORDS = ["true", "1", "yes", "on"];
const FALSE_WORDS = ["false", "0", "no", "off", ""];

const flag = z.string().trim().toLowerCase().refine(
  (v) => TRUE_WORDS.includes(v) || FALSE_WORDS.includes(v),
  { message: "must be one of true|1|yes|on|false|0|no|off" },
).transform((v) => TRUE_WORDS.includes(v));

// Digits only: z.coerce would turn "" into port 0 (a random port) and
// accept "0x50" or "1e3".
const port = z.string().trim().regex(/^\d+$/, {
  message: "must be a whole number 0-65535",
}).transform(Number).pipe(
  z.number().max(65535, { message: "must be 0-65535" }),
);

const httpURL = z.string().trim().refine((v) => {
  try {
    const u = new URL(v);
    return (u.protocol === "http:" || u.protocol === "https:") && !u.search &&
      !u.hash && !u.username;
  } catch {
    return false;
  }
}, { message: "must be an http(s) URL without query, fragment or credentials" })
  .transform((v) => v.replace(/\/+$/, ""));

const SCHEMAS = {
  HOST: z.string().trim().min(1, { message: "must not be empty" }),
  PORT: port,
  ISSUER: httpURL,
  APP_SECRET: z.string().min(32, {
    message: "must be at least 32 characters (e.g. `openssl rand -base64 48`)",
  }),
  APP_SECRET_FILE: z.string().min(1),
  DATABASE_URL: z.string().trim().min(1),
  ENABLE_DEV_ENDPOINTS: flag,
  ADMIN_TOKEN: z.string().min(16, {
    message: "must be at least 16 characters",
  }),
  DENO_KV_PATH: z.string().min(1),
  DENO_KV_URL: httpURL,
  DATABASE_POOL_SIZE: z.coerce.number({ message: "must be a number" }).int()
    .min(1, { message: "must be 1-1000" }).max(1000, {
      message: "must be 1-1000",
    }),
  DATABASE_QUERY_TIMEOUT_MS: z.string().trim().regex(/^\d{1,7}$/, {
    message: "must be whole milliseconds, 0-9999999 (0: no limit)",
  }).transform(Number),
  TRUSTED_PROXIES: z.string().transform((text, ctx) => {
    try {
      return parseTrustedProxies(text);
    } catch (err) {
      ctx.addIssue({ code: "custom", message: (err as Error).message });
      return z.NEVER;
    }
  }),
  REQUESTS_PER_SECOND_PER_IP: z.string().trim().regex(/^\d{1,7}$/, {
    message: `must be a whole number, 0-${MAX_REQUESTS_PER_SECOND} (0: no cap)`,
  }).transform(Number).refine((n) => n <= MAX_REQUESTS_PER_SECOND, {
    message: `must be a whole number, 0-${MAX_REQUESTS_PER_SECOND} (0: no cap)`,
  }),
  LOG_REQUESTS: flag,
  METRICS_PORT: port.refine((n) => n > 0, { message: "must be 1-65535" }),
  JWKS_MAX_AGE: z.string().trim().regex(/^\d{1,5}$/, {
    message: "must be whole seconds, 0-86400",
  }).transform(Number).refine((n) => n <= 86400, {
    message: "must be whole seconds, 0-86400",
  }),
  OUTBOUND_ALLOW_LOOPBACK: flag,
  OUTBOUND_CA_FILE: z.string().min(1),
  REGISTRATION_PUBLIC_CLIENTS: z.enum(REGISTRATION_POLICIES, {
    message: `must be one of ${REGISTRATION_POLICIES.join("|")}`,
  }),
  REGISTRATION_CONFIDENTIAL_CLIENTS: z.enum(REGISTRATION_POLICIES, {
    message: `must be one of ${REGISTRATION_POLICIES.join("|")}`,
  }),
  CLIENT_METADATA_DOCUMENTS: flag,
  SMTP_URL: z.string().trim().refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "smtp:" || u.protocol === "smtps:") &&
        u.hostname !== "";
    } catch {
      return false;
    }
  }, {
    message:
      "must be smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]",
  }),
  // An address, optionally with a display name: `Name <a@b.example>`.
  MAIL_FROM: z.string().trim().regex(
    /^(?:[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/,
    { message: "must be an address, or Name <address>" },
  ),
  REGISTRATION: z.string().trim().toLowerCase().pipe(
    z.enum(REGISTRATION_MODES, { message: "must be off, open or invite" }),
  ),
  DEFAULT_LOCALE: z.string().trim().toLowerCase().pipe(
    z.enum(LOCALES, { message: `must be one of ${LOCALES.join(", ")}` }),
  ),
  WORKERS: z.string().trim().regex(/^\d{1,3}$/, {
    message: "must be a whole number 1-256",
  }).transform(Number).refine((n) => n >= 1 && n <= 256, {
    message: "must be a whole number 1-256",
  }),
} as const;

type Env = Record<string, string | undefined>;

/**
 * Variables that may instead be given as `NAME_FILE`, the path of a file
 * holding the value: how container platforms mount secrets
 * (`/run/secrets/…`), so the value never sits in the environment. When
 * both are set the file wins, so a deployment can override an image's
 * default `NAME`. APP_SECRET_FILE is older and also names where a
 * generated secret is written; see `readAppSecret`.
 */
const FILE_VARIABLES = ["ADMIN_TOKEN", "DATABASE_URL", "SMTP_URL"] as const;

/**
 * A secret file's text without the line break(s) `echo` or an editor add;
 * null when it does not exist and `missing: "null"` allows that.
 */
function readValueFile(
  variable: string,
  path: string,
  options: { missing?: "error" | "null" } = {},
): string | null {
  try {
    return Deno.readTextFileSync(path).replace(/[\r\n]+$/, "");
  } catch (err) {
    if (err instanceof Deno.errors.NotFound && options.missing === "null") {
      return null;
    }
    throw new ConfigError(
      variable,
      `cannot read ${path} (${(err as Error).name})`,
    );
  }
}

/** OUTBOUND_CA_FILE's PEM text (one or more certificates), read at start. */
function outboundCACerts(env: Env): string[] | null {
  const path = read(env, "OUTBOUND_CA_FILE");
  if (path === undefined) return null;
  const pem = readValueFile("OUTBOUND_CA_FILE", path) ?? "";
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(
      "OUTBOUND_CA_FILE",
      `${path} holds no PEM certificate`,
    );
  }
  return [pem];
}

function read<K extends keyof typeof SCHEMAS>(
  env: Env,
  name: K,
): z.output<(typeof SCHEMAS)[K]> | undefined {
  let raw = env[name];
  // Errors about a value read from a file name the _FILE variable.
  let source: string = name;
  const fileVariable = `${name}_FILE`;
  if (
    (FILE_VARIABLES as readonly string[]).includes(name) && env[fileVariable]
  ) {
    raw = readValueFile(fileVariable, env[fileVariable]) ?? undefined;
    source = fileVariable;
  }
  if (raw === undefined) return undefined;
  const parsed = SCHEMAS[name].safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(source, parsed.error.issues[0]?.message ?? "invalid");
  }
  return parsed.data as z.output<(typeof SCHEMAS)[K]>;
}

/**
 * APP_SECRET, else the contents of an APP_SECRET_FILE that exists (a mounted
 * secret, or the one generated there at an earlier start); null when the
 * secret is still to be generated.
 */
function readAppSecret(env: Env): string | null {
  const configured = read(env, "APP_SECRET");
  if (configured !== undefined) return configured;
  const file = env.APP_SECRET_FILE;
  const text = file
    ? readValueFile("APP_SECRET_FILE", file, { missing: "null" })
    : null;
  if (text === null) return null;
  const parsed = SCHEMAS.APP_SECRET.safeParse(text);
  if (!parsed.success) {
    throw new ConfigError(
      "APP_SECRET_FILE",
      `${file}: ${parsed.error.issues[0]?.message ?? "invalid"}`,
    );
  }
  return parsed.data;
}

/**
 * Parses `DATABASE_URL`: `sqlite:///relative.db` (relative to the working
 * directory, as the seed did), `sqlite:////abs/path.db`, `sqlite::memory:`,
 * `postgres://…` / `postgresql://…`.
 */
export function parseDatabaseURL(value: string): DatabaseTarget {
  if (value === "sqlite::memory:" || value === "sqlite://:memory:") {
    return { engine: "sqlite", path: ":memory:" };
  }
  if (value.startsWith("sqlite:///")) {
    const rest = value.slice("sqlite:///".length);
    if (!rest) throw new ConfigError("DATABASE_URL", "sqlite URL has no path");
    return { engine: "sqlite", path: rest };
  }
  if (/^postgres(ql)?:\/\//.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError("DATABASE_URL", "is not a valid postgres URL");
    }
    return { engine: "postgres", url: value };
  }
  throw new ConfigError(
    "DATABASE_URL",
    "must start with sqlite:/// , sqlite::memory: or postgres://",
  );
}

function readDatabase(env: Env): DatabaseTarget {
  const value = read(env, "DATABASE_URL") ?? "sqlite:///oauth.db";
  try {
    return parseDatabaseURL(value);
  } catch (err) {
    if (err instanceof ConfigError && env.DATABASE_URL_FILE) {
      throw new ConfigError("DATABASE_URL_FILE", err.reason);
    }
    throw err;
  }
}

/** SMTP_URL and MAIL_FROM come together or not at all. */
function readMail(env: Env): MailConfig | null {
  const smtpURL = read(env, "SMTP_URL");
  const from = read(env, "MAIL_FROM");
  if (smtpURL === undefined && from === undefined) return null;
  if (smtpURL === undefined) {
    throw new ConfigError("SMTP_URL", "is required when MAIL_FROM is set");
  }
  if (from === undefined) {
    throw new ConfigError("MAIL_FROM", "is required when SMTP_URL is set");
  }
  return { smtpURL, from };
}

/**
 * Whether people reach the server over https, as its issuer says (never a
 * request's own scheme, which a proxy may have changed): then its cookies
 * carry Secure and responses Strict-Transport-Security.
 */
export function servedOverHTTPS(config: Pick<Config, "issuer">): boolean {
  return config.issuer.startsWith("https:");
}

/** Reads and validates the environment. Throws `ConfigError` on a bad value. */
export function loadConfig(env: Env): Config {
  const host = read(env, "HOST") ?? "127.0.0.1";
  const portNumber = read(env, "PORT") ?? 8000;
  const database = readDatabase(env);
  const appSecret = readAppSecret(env);
  if (database.engine === "postgres" && appSecret === null) {
    throw new ConfigError(
      "APP_SECRET",
      "is required with PostgreSQL (or APP_SECRET_FILE naming a file that holds it), so every instance shares it",
    );
  }
  const urlHost = host.includes(":") ? `[${host}]` : host;
  const defaultIssuer = `http://${
    host === "0.0.0.0" || host === "::" ? "127.0.0.1" : urlHost
  }:${portNumber}`;
  return {
    host,
    port: portNumber,
    issuer: read(env, "ISSUER") ?? defaultIssuer,
    appSecret,
    appSecretFile: read(env, "APP_SECRET_FILE") ?? ".app_secret",
    database,
    enableDevEndpoints: read(env, "ENABLE_DEV_ENDPOINTS") ?? false,
    bootstrapAdminToken: read(env, "ADMIN_TOKEN") ?? null,
    // A remote KV (KV Connect, with DENO_KV_ACCESS_TOKEN) shared by several
    // machines, else a local file shared by the processes of one.
    kvPath: read(env, "DENO_KV_URL") ?? read(env, "DENO_KV_PATH") ?? null,
    databasePoolSize: read(env, "DATABASE_POOL_SIZE") ?? 10,
    databaseQueryTimeoutMs: read(env, "DATABASE_QUERY_TIMEOUT_MS") ??
      DEFAULT_DATABASE_QUERY_TIMEOUT_MS,
    trustedProxies: read(env, "TRUSTED_PROXIES") ?? [],
    requestsPerSecondPerIP: read(env, "REQUESTS_PER_SECOND_PER_IP") ??
      DEFAULT_REQUESTS_PER_SECOND_PER_IP,
    logRequests: read(env, "LOG_REQUESTS") ?? true,
    // A random port (0) would differ per thread.
    workers: (database.engine === "sqlite" && database.path === ":memory:") ||
        portNumber === 0
      ? 1
      : read(env, "WORKERS") ?? navigator.hardwareConcurrency ?? 1,
    metricsPort: read(env, "METRICS_PORT") ?? null,
    jwksMaxAge: read(env, "JWKS_MAX_AGE") ?? DEFAULT_JWKS_MAX_AGE,
    outbound: {
      allowLoopback: read(env, "OUTBOUND_ALLOW_LOOPBACK") ?? false,
      caCerts: outboundCACerts(env),
    },
    clientRegistration: {
      publicClients: read(env, "REGISTRATION_PUBLIC_CLIENTS"),
      confidentialClients: read(env, "REGISTRATION_CONFIDENTIAL_CLIENTS"),
      metadataDocuments: read(env, "CLIENT_METADATA_DOCUMENTS"),
    },
    mail: readMail(env),
    registration: read(env, "REGISTRATION") ?? "off",
    defaultLocale: read(env, "DEFAULT_LOCALE") ?? FALLBACK_LOCALE,
  };
}

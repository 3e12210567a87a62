import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "./config.ts";

const SECRET = "s".repeat(32);

/** Asserts that `env` is refused with a ConfigError naming `variable`. */
function assertRefused(env: Record<string, string>, variable: string): void {
  assert.throws(
    () => loadConfig(env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, `expected ConfigError: ${err}`);
      assert.equal(err.variable, variable);
      assert.match(err.message, new RegExp(`^${variable}\\b`));
      return true;
    },
  );
}

Deno.test("config: an empty environment serves 127.0.0.1:8000 with SQLite oauth.db", () => {
  const config = loadConfig({});
  assert.equal(config.host, "127.0.0.1");
  assert.equal(config.port, 8000);
  assert.equal(config.issuer, "http://127.0.0.1:8000");
  assert.deepEqual(config.database, { engine: "sqlite", path: "oauth.db" });
  assert.equal(config.enableDevEndpoints, false);
  assert.equal(config.appSecret, null);
  assert.equal(config.bootstrapAdminToken, null);
});

Deno.test("config: HOST and PORT override the listen address and the default issuer", () => {
  const config = loadConfig({ HOST: "localhost", PORT: "9123" });
  assert.equal(config.host, "localhost");
  assert.equal(config.port, 9123);
  assert.equal(config.issuer, "http://localhost:9123");
});

Deno.test("config: listening on every interface still gives a reachable default issuer", () => {
  assert.equal(
    loadConfig({ HOST: "0.0.0.0", PORT: "8080" }).issuer,
    "http://127.0.0.1:8080",
  );
  assert.equal(loadConfig({ HOST: "::1" }).issuer, "http://[::1]:8000");
});

Deno.test("config: ISSUER loses its trailing slash and is otherwise used verbatim", () => {
  assert.equal(
    loadConfig({ ISSUER: "https://id.example.com/" }).issuer,
    "https://id.example.com",
  );
  assert.equal(
    loadConfig({ ISSUER: "https://example.com/auth/" }).issuer,
    "https://example.com/auth",
  );
  // The issuer does not follow HOST/PORT once it is set.
  assert.equal(
    loadConfig({ ISSUER: "http://localhost:5000", PORT: "9000" }).issuer,
    "http://localhost:5000",
  );
});

Deno.test("config: DATABASE_URL sqlite:///rel.db is a path relative to the working directory", () => {
  assert.deepEqual(loadConfig({ DATABASE_URL: "sqlite:///rel.db" }).database, {
    engine: "sqlite",
    path: "rel.db",
  });
});

Deno.test("config: DATABASE_URL sqlite:////abs/x.db is an absolute path", () => {
  assert.deepEqual(
    loadConfig({ DATABASE_URL: "sqlite:////abs/x.db" }).database,
    { engine: "sqlite", path: "/abs/x.db" },
  );
});

Deno.test("config: DATABASE_URL sqlite::memory: is an in-memory database", () => {
  assert.deepEqual(loadConfig({ DATABASE_URL: "sqlite::memory:" }).database, {
    engine: "sqlite",
    path: ":memory:",
  });
});

Deno.test("config: DATABASE_URL postgres:// and postgresql:// select PostgreSQL", () => {
  for (
    const url of [
      "postgres://app:pw@db.internal:5432/oauth",
      "postgresql://app@localhost/oauth?sslmode=require",
    ]
  ) {
    assert.deepEqual(
      loadConfig({ DATABASE_URL: url, APP_SECRET: SECRET }).database,
      { engine: "postgres", url },
    );
  }
});

Deno.test("config: PostgreSQL without APP_SECRET is refused, naming APP_SECRET", () => {
  assertRefused({ DATABASE_URL: "postgres://localhost/oauth" }, "APP_SECRET");
});

Deno.test("config: a bad DATABASE_URL is refused, naming DATABASE_URL", () => {
  for (
    const url of [
      "mysql://localhost/oauth",
      "sqlite://oauth.db",
      "sqlite:///",
      "oauth.db",
      "",
    ]
  ) {
    assertRefused({ DATABASE_URL: url }, "DATABASE_URL");
  }
});

Deno.test("config: a bad PORT is refused, naming PORT", () => {
  for (const port of ["http", "80.5", "-1", "65536", "0x50", "1e3", "", " "]) {
    assertRefused({ PORT: port }, "PORT");
  }
});

Deno.test("config: ENABLE_DEV_ENDPOINTS accepts true|1|yes|on, in any case", () => {
  for (const value of ["true", "1", "yes", "on", "TRUE", " On "]) {
    assert.equal(
      loadConfig({ ENABLE_DEV_ENDPOINTS: value }).enableDevEndpoints,
      true,
      value,
    );
  }
  for (const value of ["false", "0", "no", "off"]) {
    assert.equal(
      loadConfig({ ENABLE_DEV_ENDPOINTS: value }).enableDevEndpoints,
      false,
      value,
    );
  }
});

Deno.test("config: a bad ENABLE_DEV_ENDPOINTS is refused, naming it", () => {
  for (const value of ["maybe", "2", "enabled"]) {
    assertRefused({ ENABLE_DEV_ENDPOINTS: value }, "ENABLE_DEV_ENDPOINTS");
  }
});

Deno.test("config: an ISSUER with a query, fragment, credentials or another scheme is refused", () => {
  for (
    const issuer of [
      "https://id.example.com/?tenant=a",
      "https://id.example.com/#x",
      "https://user:pw@id.example.com",
      "ftp://id.example.com",
      "id.example.com",
    ]
  ) {
    assertRefused({ ISSUER: issuer }, "ISSUER");
  }
});

Deno.test("config: an APP_SECRET shorter than 32 characters is refused, naming it", () => {
  assertRefused({ APP_SECRET: "too-short" }, "APP_SECRET");
  assert.equal(loadConfig({ APP_SECRET: SECRET }).appSecret, SECRET);
});

Deno.test("config: WORKERS defaults to the core count, accepts 1-256, and is 1 for in-memory SQLite or a random port", () => {
  assert.equal(loadConfig({}).workers, navigator.hardwareConcurrency);
  assert.equal(loadConfig({ WORKERS: "3" }).workers, 3);
  assert.equal(
    loadConfig({ WORKERS: "4", DATABASE_URL: "sqlite::memory:" }).workers,
    1,
  );
  assert.equal(loadConfig({ WORKERS: "4", PORT: "0" }).workers, 1);
  for (const bad of ["0", "257", "two", "-1", ""]) {
    assert.throws(
      () => loadConfig({ WORKERS: bad }),
      (err: unknown) =>
        err instanceof ConfigError && err.variable === "WORKERS",
      bad,
    );
  }
});

Deno.test("config: DENO_KV_URL names a remote KV and wins over DENO_KV_PATH", () => {
  assert.equal(
    loadConfig({
      DENO_KV_URL: "https://api.deno.com/databases/abc/connect",
      DENO_KV_PATH: "kv.sqlite",
    }).kvPath,
    "https://api.deno.com/databases/abc/connect",
  );
  assert.equal(loadConfig({ DENO_KV_PATH: "kv.sqlite" }).kvPath, "kv.sqlite");
  assert.throws(
    () => loadConfig({ DENO_KV_URL: "not a url" }),
    (err: unknown) =>
      err instanceof ConfigError && err.variable === "DENO_KV_URL",
  );
});

Deno.test("config: DATABASE_QUERY_TIMEOUT_MS defaults to 2500, takes whole milliseconds, 0 for no limit", () => {
  assert.equal(loadConfig({}).databaseQueryTimeoutMs, 2500);
  assert.equal(
    loadConfig({ DATABASE_QUERY_TIMEOUT_MS: "10000" }).databaseQueryTimeoutMs,
    10000,
  );
  assert.equal(
    loadConfig({ DATABASE_QUERY_TIMEOUT_MS: "0" }).databaseQueryTimeoutMs,
    0,
  );
  for (const bad of ["-1", "2.5", "2s", "", "99999999"]) {
    assertRefused(
      { DATABASE_QUERY_TIMEOUT_MS: bad },
      "DATABASE_QUERY_TIMEOUT_MS",
    );
  }
});

Deno.test("config: REQUESTS_PER_SECOND_PER_IP defaults to 1000, takes a whole number, 0 for no cap", () => {
  assert.equal(loadConfig({}).requestsPerSecondPerIP, 1000);
  assert.equal(
    loadConfig({ REQUESTS_PER_SECOND_PER_IP: "50" }).requestsPerSecondPerIP,
    50,
  );
  assert.equal(
    loadConfig({ REQUESTS_PER_SECOND_PER_IP: "0" }).requestsPerSecondPerIP,
    0,
  );
  for (const bad of ["-1", "2.5", "10/s", "", "2000000"]) {
    assertRefused(
      { REQUESTS_PER_SECOND_PER_IP: bad },
      "REQUESTS_PER_SECOND_PER_IP",
    );
  }
});

Deno.test("config: TRUSTED_PROXIES takes addresses and CIDR networks; anything else is refused, naming it", () => {
  assert.deepEqual(loadConfig({}).trustedProxies, []);
  assert.equal(
    loadConfig({ TRUSTED_PROXIES: "10.0.0.0/8, 192.168.1.10, fd00::/8" })
      .trustedProxies.length,
    3,
  );
  for (const bad of ["10.0.0.0/33", "proxy.internal", "10.0.0.1/8/8"]) {
    assertRefused({ TRUSTED_PROXIES: bad }, "TRUSTED_PROXIES");
  }
});

/** Writes `files` into a fresh directory; returns its path. */
function secretsDir(files: Record<string, string>): string {
  const dir = Deno.makeTempDirSync({ prefix: "config-secrets-" });
  for (const [name, text] of Object.entries(files)) {
    Deno.writeTextFileSync(`${dir}/${name}`, text);
  }
  return dir;
}

Deno.test("config: ADMIN_TOKEN_FILE and DATABASE_URL_FILE read the value from a mounted secret, without its line break", () => {
  const dir = secretsDir({
    admin_token: "bootstrap-token-from-a-file\n",
    database_url: "postgres://authz:pw@db:5432/authz\r\n",
    app_secret: SECRET + "\n",
  });
  try {
    const config = loadConfig({
      ADMIN_TOKEN_FILE: `${dir}/admin_token`,
      DATABASE_URL_FILE: `${dir}/database_url`,
      APP_SECRET_FILE: `${dir}/app_secret`,
    });
    assert.equal(config.bootstrapAdminToken, "bootstrap-token-from-a-file");
    assert.deepEqual(config.database, {
      engine: "postgres",
      url: "postgres://authz:pw@db:5432/authz",
    });
    // An APP_SECRET_FILE that exists is the secret, so PostgreSQL accepts it.
    assert.equal(config.appSecret, SECRET);
    // The file wins over an image's default value.
    assert.equal(
      loadConfig({
        DATABASE_URL: "sqlite:////data/oauth.db",
        DATABASE_URL_FILE: `${dir}/database_url`,
        APP_SECRET: SECRET,
      }).database.engine,
      "postgres",
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("config: a missing or short secret file is refused, naming the _FILE variable", () => {
  const dir = secretsDir({ short: "abc\n", token: "x".repeat(20) });
  try {
    assertRefused({ ADMIN_TOKEN_FILE: `${dir}/absent` }, "ADMIN_TOKEN_FILE");
    assertRefused({ ADMIN_TOKEN_FILE: `${dir}/short` }, "ADMIN_TOKEN_FILE");
    assertRefused({ APP_SECRET_FILE: `${dir}/short` }, "APP_SECRET_FILE");
    assertRefused({ DATABASE_URL_FILE: `${dir}/token` }, "DATABASE_URL_FILE");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("config: an APP_SECRET_FILE that does not exist yet is where SQLite generates one; PostgreSQL refuses", () => {
  const dir = secretsDir({});
  try {
    const config = loadConfig({ APP_SECRET_FILE: `${dir}/app_secret` });
    assert.equal(config.appSecret, null);
    assert.equal(config.appSecretFile, `${dir}/app_secret`);
    assertRefused({
      APP_SECRET_FILE: `${dir}/app_secret`,
      DATABASE_URL: "postgres://db/authz",
    }, "APP_SECRET");
    // APP_SECRET itself wins over the file.
    Deno.writeTextFileSync(`${dir}/app_secret`, "f".repeat(40));
    assert.equal(
      loadConfig({ APP_SECRET: SECRET, APP_SECRET_FILE: `${dir}/app_secret` })
        .appSecret,
      SECRET,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("config: the outbound development setting and the registration policies pin from the environment", () => {
  const ca = new URL("../tests/fixtures/tls/ca.pem", import.meta.url).pathname;
  const config = loadConfig({
    OUTBOUND_ALLOW_LOOPBACK: "true",
    OUTBOUND_CA_FILE: ca,
    REGISTRATION_PUBLIC_CLIENTS: "initial-access-token",
    REGISTRATION_CONFIDENTIAL_CLIENTS: "off",
    CLIENT_METADATA_DOCUMENTS: "false",
  });
  assert.deepEqual(config.outbound, {
    allowLoopback: true,
    caCerts: [Deno.readTextFileSync(ca).trimEnd()],
  });
  assertRefused(
    { OUTBOUND_CA_FILE: "/nonexistent/ca.pem" },
    "OUTBOUND_CA_FILE",
  );
  assertRefused(
    { OUTBOUND_CA_FILE: new URL(import.meta.url).pathname },
    "OUTBOUND_CA_FILE",
  );
  assert.deepEqual(config.clientRegistration, {
    publicClients: "initial-access-token",
    confidentialClients: "off",
    metadataDocuments: false,
  });
  const defaults = loadConfig({});
  assert.equal(defaults.outbound.allowLoopback, false);
  assert.deepEqual(defaults.clientRegistration, {
    publicClients: undefined,
    confidentialClients: undefined,
    metadataDocuments: undefined,
  });
  assertRefused(
    { REGISTRATION_PUBLIC_CLIENTS: "sometimes" },
    "REGISTRATION_PUBLIC_CLIENTS",
  );
  assertRefused(
    { OUTBOUND_ALLOW_LOOPBACK: "maybe" },
    "OUTBOUND_ALLOW_LOOPBACK",
  );
});

Deno.test("config: SMTP_URL and MAIL_FROM turn mail on together; either alone stops the start naming the other", () => {
  assert.equal(loadConfig({}).mail, null);
  const mail = loadConfig({
    SMTP_URL: "smtp://mailer:pw@mail.example.com:587",
    MAIL_FROM: "Sign-in <no-reply@example.com>",
  }).mail;
  assert.deepEqual(mail, {
    smtpURL: "smtp://mailer:pw@mail.example.com:587",
    from: "Sign-in <no-reply@example.com>",
  });
  assert.equal(
    loadConfig({ SMTP_URL: "smtps://h.example", MAIL_FROM: "a@b.example" })
      .mail?.from,
    "a@b.example",
  );
  assertRefused({ SMTP_URL: "smtp://h.example" }, "MAIL_FROM");
  assertRefused({ MAIL_FROM: "a@b.example" }, "SMTP_URL");
  assertRefused({ SMTP_URL: "http://h.example", MAIL_FROM: "a@b" }, "SMTP_URL");
  assertRefused(
    { SMTP_URL: "smtp://h.example", MAIL_FROM: "nobody" },
    "MAIL_FROM",
  );
  assertRefused(
    { SMTP_URL: "smtp://h.example", MAIL_FROM: "x <a@b>\r\nBcc: c@d" },
    "MAIL_FROM",
  );
});

Deno.test("config: DEFAULT_LOCALE is en unless set to a language with a catalogue", () => {
  assert.equal(loadConfig({}).defaultLocale, "en");
  assert.equal(loadConfig({ DEFAULT_LOCALE: " DE " }).defaultLocale, "de");
  assertRefused({ DEFAULT_LOCALE: "fr" }, "DEFAULT_LOCALE");
  assertRefused({ DEFAULT_LOCALE: "de-CH" }, "DEFAULT_LOCALE");
});

Deno.test("config: REGISTRATION is off unless set to open or invite", () => {
  assert.equal(loadConfig({}).registration, "off");
  assert.equal(loadConfig({ REGISTRATION: "Open" }).registration, "open");
  assert.equal(loadConfig({ REGISTRATION: "invite" }).registration, "invite");
  assertRefused({ REGISTRATION: "yes" }, "REGISTRATION");
});

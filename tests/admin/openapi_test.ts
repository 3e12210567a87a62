import { insertCredential } from "../../lib/db/factors.ts";
import assert from "node:assert/strict";
import { DEFAULT_JWKS_MAX_AGE } from "../../lib/config.ts";
import { activationDelay } from "../../lib/key_schedule.ts";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020 } from "ajv/dist/2020.js";
import {
  adminOpenAPIText,
  DEFAULT_SERVER_URL,
  errorStatuses,
} from "../../lib/admin/openapi/document.ts";
import {
  ADMIN_OPERATIONS,
  type AdminOperation,
  OPENAPI_PATH,
} from "../../lib/admin/openapi/operations.ts";
import { isApiRoute, type RouteModule } from "../../lib/http/define.ts";
import { routePath } from "../../lib/http/router.tsx";
import { manifest } from "../../routes.gen.ts";
import { startMailServer } from "../helpers/mail_server.ts";
import { demoTokens } from "../helpers/oauth.ts";
import { type AdminFixture, startAdminApp } from "./admin_fixture.ts";

// deno-lint-ignore no-explicit-any
type JSONObject = Record<string, any>;

/** Files under routes/admin/ and routes/dev/ that are not JSON API routes. */
const NOT_JSON_API = [
  /^\.\/routes\/(admin|dev)\/_middleware\.ts$/,
  /^\.\/routes\/admin\/ui\//, // HTML pages
  /^\.\/routes\/admin\/login\.tsx$/, // the sign-in page and its form
  /^\.\/routes\/admin\/logout\.ts$/, // a form post answering 303
];

function methodsOf(mod: RouteModule): string[] {
  const handler = mod.handler;
  if (isApiRoute(handler)) return Object.keys(handler.handlers);
  if (handler && typeof handler === "object" && !Array.isArray(handler)) {
    return Object.keys(handler);
  }
  return mod.default ? ["GET"] : [];
}

/** "GET /admin/clients/{client_id}" for each admin API route and verb. */
function manifestOperations(): string[] {
  const out: string[] = [];
  for (const [file, mod] of Object.entries(manifest.routes)) {
    if (!/^\.\/routes\/(admin|dev)\//.test(file)) continue;
    if (NOT_JSON_API.some((re) => re.test(file))) continue;
    const path = routePath(file).replace(/:(\w+)/g, "{$1}");
    for (const method of methodsOf(mod)) out.push(`${method} ${path}`);
  }
  return out.sort();
}

function describedOperations(doc: JSONObject): string[] {
  const out: string[] = [];
  for (const [path, item] of Object.entries(doc.paths as JSONObject)) {
    for (const method of Object.keys(item)) {
      out.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return out.sort();
}

/** An Ajv validator for a schema of the document (components as $defs). */
function schemaValidator(doc: JSONObject, schema: JSONObject) {
  const rewrite = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value).replaceAll('"#/components/schemas/', '"#/$defs/'),
    );
  const ajv = new Ajv2020({ strict: true, validateFormats: false });
  return ajv.compile({
    ...rewrite(schema),
    $defs: rewrite(doc.components.schemas),
  });
}

function assertValid(
  doc: JSONObject,
  schema: JSONObject,
  value: unknown,
  what: string,
): void {
  const validate = schemaValidator(doc, schema);
  assert.ok(
    validate(value),
    `${what}: ${JSON.stringify(validate.errors)}\n${JSON.stringify(value)}`,
  );
}

Deno.test("openapi: the document is valid OpenAPI 3.1 (npm validator) and names its server", async () => {
  const doc = JSON.parse(adminOpenAPIText({ serverURL: DEFAULT_SERVER_URL }));
  const result = await new Validator().validate(doc);
  assert.deepEqual(result, { valid: true });
  assert.equal(doc.openapi, "3.1.0");
  assert.deepEqual(doc.servers, [{ url: DEFAULT_SERVER_URL }]);
  assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), [
    "adminSession",
    "adminToken",
    "csrfToken",
  ]);
  assert.equal(doc.components.securitySchemes.adminToken.name, "X-Admin-Token");
});

Deno.test("openapi: every admin API route and verb in the manifest is described, and nothing else", () => {
  const doc = JSON.parse(adminOpenAPIText({ serverURL: DEFAULT_SERVER_URL }));
  assert.deepEqual(describedOperations(doc), manifestOperations());
  const ids = ADMIN_OPERATIONS.map((op) => op.operationId);
  assert.equal(new Set(ids).size, ids.length, "operationIds are unique");
});

Deno.test("openapi: request bodies come from the zod schemas the routes validate with", () => {
  const doc = JSON.parse(adminOpenAPIText({ serverURL: DEFAULT_SERVER_URL }));
  const policy = doc.components.schemas.PolicyUpdate;
  // PolicyUpdate's rules, as zod enforces them.
  assert.equal(policy.additionalProperties, false);
  assert.deepEqual(policy.properties.access_token_lifetime, {
    type: "integer",
    minimum: 60,
    maximum: 86400,
  });
  assert.deepEqual(policy.properties.consent_policy.enum, [
    "always",
    "once",
    "skip",
  ]);
  // Lists: a space-separated string or an array.
  assert.deepEqual(
    policy.properties.allowed_scopes.anyOf.map((s: JSONObject) => s.type),
    ["string", "array"],
  );
  const create = doc.paths["/admin/users"].post;
  assert.equal(
    create.requestBody.content["application/json"].schema.$ref,
    "#/components/schemas/UserCreate",
  );
  assert.deepEqual(doc.components.schemas.UserCreate.required, [
    "username",
    "password",
  ]);
  assert.equal(
    doc.components.schemas.UserCreate.properties.password.minLength,
    8,
  );
  const audit = doc.paths["/admin/audit"].get.parameters;
  assert.deepEqual(
    audit.map((p: JSONObject) => [p.name, p.in, p.schema.type]),
    [
      ["limit", "query", "integer"],
      ["before", "query", "string"],
      ["action", "query", "string"],
      ["target_type", "query", "string"],
      ["target_id", "query", "string"],
      ["actor", "query", "string"],
      ["ip", "query", "string"],
      ["since", "query", "string"],
      ["until", "query", "string"],
    ],
  );
  // The error shape and the statuses every operation shares.
  assert.deepEqual(doc.components.schemas.Error.required, [
    "error",
    "error_description",
  ]);
  for (const op of ADMIN_OPERATIONS) {
    const responses = doc.paths[op.path][op.method].responses;
    for (const status of ["401", "429"]) {
      assert.ok(responses[status], `${op.operationId} documents ${status}`);
    }
    if (op.body) {
      assert.ok(responses["400"], `${op.operationId} documents 400`);
    }
  }
});

Deno.test("openapi: GET /admin/openapi.json needs the admin and serves the document naming this server", async () => {
  const f = await startAdminApp({ seed: false });
  try {
    const anonymous = await f.t.fetch(OPENAPI_PATH);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const res = await f.t.fetch(OPENAPI_PATH, {
      headers: { "X-Admin-Token": f.token },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get("Content-Type") ?? "", /^application\/json/);
    const text = await res.text();
    assert.equal(text, adminOpenAPIText({ serverURL: f.t.base }));
    assert.deepEqual(await new Validator().validate(JSON.parse(text)), {
      valid: true,
    });
  } finally {
    await f.t.close();
  }
});

// --- Every operation's example, sent for real ---------------------------

const FIXTURE_CLIENT = "fixture-app";
const FIXTURE_SCOPE = "fixture.read";
const FIXTURE_USER = "fixture-user";

async function ensureClient(f: AdminFixture): Promise<string> {
  const found = await f.api("GET", `/admin/clients/${FIXTURE_CLIENT}`);
  if (found.status === 404) {
    const made = await f.api("POST", "/admin/clients", {
      client_id: FIXTURE_CLIENT,
      redirect_uris: ["https://fixture.example.com/cb"],
    });
    assert.equal(made.status, 201);
  }
  return FIXTURE_CLIENT;
}

async function ensureUser(f: AdminFixture, username: string): Promise<string> {
  const users = (await f.api("GET", "/admin/users")).body as JSONObject[];
  const found = users.find((u) => u.username === username);
  if (found) return found.id;
  const made = await f.api("POST", "/admin/users", {
    username,
    password: "fixture password",
    email: `${username}@example.com`,
  });
  assert.equal(made.status, 201);
  return made.body.id;
}

async function removeUser(f: AdminFixture, username: string): Promise<void> {
  const users = (await f.api("GET", "/admin/users")).body as JSONObject[];
  const found = users.find((u) => u.username === username);
  if (found) await f.api("DELETE", `/admin/users/${found.id}`);
}

/** A new ES256 key, past its activation (the previous one retired then). */
async function rotatedKid(f: AdminFixture): Promise<string> {
  const res = await f.api("POST", "/admin/keys/rotate", { alg: "ES256" });
  assert.equal(res.status, 200);
  f.t.advance(activationDelay(DEFAULT_JWKS_MAX_AGE));
  return res.body.kid;
}

/**
 * Makes what `op`'s example needs exist (and what it creates not exist);
 * answers the path parameters to send.
 */
async function arrange(
  f: AdminFixture,
  op: AdminOperation,
): Promise<Record<string, string>> {
  const body = op.body?.example ?? {};
  if (typeof body.identifier === "string") {
    await f.api(
      "DELETE",
      `/admin/resources/${encodeURIComponent(body.identifier)}`,
    );
  }
  if (typeof body.client_id === "string") {
    await f.api("DELETE", `/admin/clients/${body.client_id}`);
  }
  if (typeof body.username === "string") await removeUser(f, body.username);
  const params: Record<string, string> = {};
  const names = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, n]) => n);
  if (op.path.includes("/consents/") || op.path.endsWith("/consents")) {
    await demoTokens(f.t); // alice signs in and consents to demo-web
    params.user_id = await ensureUser(f, "alice");
    params.client_id = "demo-web";
    return params;
  }
  for (const name of names) {
    if (name === "client_id") params.client_id = await ensureClient(f);
    if (name === "user_id") params.user_id = await ensureUser(f, FIXTURE_USER);
    if (name === "name") {
      await f.api("POST", "/admin/scopes", { name: FIXTURE_SCOPE });
      params.name = FIXTURE_SCOPE;
    }
    if (name === "invite_id") {
      params.invite_id = (await f.api("POST", "/admin/invites", {})).body.id;
    }
    if (name === "session_id") {
      await demoTokens(f.t);
      params.session_id = (await f.api("GET", "/admin/sessions")).body[0].id;
    }
    if (name === "credential_id") {
      // A passkey of the fixture user, as registration stores one.
      params.credential_id = `cred-${crypto.randomUUID()}`;
      await insertCredential(f.t.deps.db, {
        credential_id: params.credential_id,
        user_id: params.user_id,
        name: "Fixture key",
        public_key: "AA",
        counter: 0,
        transports: "[]",
        device_type: "singleDevice",
        backed_up: 0,
        aaguid: "00000000-0000-0000-0000-000000000000",
        created_at: f.t.deps.now(),
        last_used_at: null,
      });
    }
    if (name === "identifier") {
      const identifier = "https://fixture.example/api";
      await f.api("POST", "/admin/resources", {
        identifier,
        name: "Fixture API",
      });
      params.identifier = identifier;
    }
    if (name === "id") {
      params.id = (await f.api("POST", "/admin/registration/tokens", {}))
        .body.id;
    }
    if (name === "kid") {
      params.kid = await rotatedKid(f);
      if (op.method === "delete") {
        await rotatedKid(f); // retires the previous ES256 key
      }
    }
  }
  return params;
}

function concretePath(
  op: AdminOperation,
  params: Record<string, string>,
): string {
  const path = op.path.replace(
    /\{(\w+)\}/g,
    (_, name) => encodeURIComponent(params[name]),
  );
  const query = new URLSearchParams(
    Object.entries(op.queryExample ?? {}).map(([k, v]) => [k, String(v)]),
  );
  return query.size ? `${path}?${query}` : path;
}

Deno.test("openapi: each operation's example, sent to the app, answers its documented success status and schema; without the token, a documented 401 in the error shape", async () => {
  const doc = JSON.parse(adminOpenAPIText({ serverURL: DEFAULT_SERVER_URL }));
  // Mail and invitations on, so the mail and invite operations can succeed.
  const mail = await startMailServer();
  const f = await startAdminApp({
    env: {
      ENABLE_DEV_ENDPOINTS: "true",
      REGISTRATION: "invite",
      ...mail.env,
    },
  });
  try {
    for (const op of ADMIN_OPERATIONS) {
      const described = doc.paths[op.path][op.method];
      const name = `${op.method.toUpperCase()} ${op.path}`;
      const example = described.requestBody?.content["application/json"];
      if (example) {
        assertValid(doc, example.schema, example.example, `${name} example`);
      }
      const path = concretePath(op, await arrange(f, op));
      const res = await f.api(op.method.toUpperCase(), path, example?.example);
      const documented = Object.keys(described.responses).map(Number);
      const successes = documented.filter((s) => s < 300);
      assert.ok(
        successes.includes(res.status),
        `${name}: ${res.status} ${JSON.stringify(res.body)}, documented ` +
          successes.join("/"),
      );
      const schema = described.responses[res.status].content?.[
        "application/json"
      ]?.schema;
      if (schema) assertValid(doc, schema, res.body, `${name} answer`);
      else assert.equal(res.body, null, `${name}: no body`);

      const anonymous = await f.t.fetch(path, {
        method: op.method.toUpperCase(),
        headers: example ? { "Content-Type": "application/json" } : {},
        body: example ? JSON.stringify(example.example) : undefined,
      });
      assert.equal(anonymous.status, 401, `${name} without a token`);
      assert.ok(errorStatuses(op).includes(401));
      assertValid(
        doc,
        { $ref: "#/components/schemas/Error" },
        await anonymous.json(),
        `${name} 401`,
      );
    }
  } finally {
    await f.t.close();
    await mail.close();
  }
});

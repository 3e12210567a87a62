/**
 * The OpenAPI 3.1 description of the admin API, generated from the zod
 * schemas that validate each request (lib/admin/schemas.ts and the client
 * metadata schema) and the ones that describe each answer (responses.ts),
 * with zod 4's JSON Schema output (draft 2020-12, the dialect OpenAPI 3.1
 * uses). Served at GET /admin/openapi.json and written to docs/openapi.json
 * by `deno task build`.
 * @module
 */
import { z } from "zod";
import { ClientMetadata } from "../../oauth/clients/metadata.ts";
import { CSRF_HEADER } from "../../security/csrf.ts";
import { SESSION_COOKIE } from "../../security/session.ts";
import { ADMIN_TOKEN_HEADER } from "../admin_auth.ts";
import {
  ClientUpdate,
  InitialAccessTokenCreate,
  PasswordReset,
  PolicyUpdate,
  RegistrationSettingsUpdate,
  RESERVED_CLAIMS,
  ResourceCreate,
  ResourceUpdate,
  RotateKey,
  ScopeInput,
  UserCreate,
  UserUpdate,
} from "../schemas.ts";
import {
  ADMIN_OPERATIONS,
  type AdminOperation,
  type Answer,
} from "./operations.ts";
import * as answers from "./responses.ts";

// deno-lint-ignore no-explicit-any
type JSONObject = Record<string, any>;

/** The server the committed docs/openapi.json names (the default ISSUER). */
export const DEFAULT_SERVER_URL = "http://127.0.0.1:8000";

/** Named schemas, shown under components.schemas and referenced by name. */
const COMPONENTS: [string, z.ZodType, "input" | "output"][] = [
  ["ScopeInput", ScopeInput, "input"],
  ["ClientCreate", ClientMetadata, "input"],
  ["ClientUpdate", ClientUpdate, "input"],
  ["PolicyUpdate", PolicyUpdate, "input"],
  ["ResourceCreate", ResourceCreate, "input"],
  ["ResourceUpdate", ResourceUpdate, "input"],
  ["RegistrationSettingsUpdate", RegistrationSettingsUpdate, "input"],
  ["InitialAccessTokenCreate", InitialAccessTokenCreate, "input"],
  ["RotateKey", RotateKey, "input"],
  ["UserCreate", UserCreate, "input"],
  ["UserUpdate", UserUpdate, "input"],
  ["PasswordReset", PasswordReset, "input"],
  ["Error", answers.ErrorAnswer, "output"],
  ["Scope", answers.ScopeAnswer, "output"],
  ["Client", answers.ClientAnswer, "output"],
  ["ClientDetail", answers.ClientDetailAnswer, "output"],
  ["ClientWithSecret", answers.ClientWithSecretAnswer, "output"],
  ["ClientSecret", answers.ClientSecretAnswer, "output"],
  ["Policy", answers.PolicyAnswer, "output"],
  ["Resource", answers.ResourceAnswer, "output"],
  ["RegistrationSettings", answers.RegistrationSettingsAnswer, "output"],
  ["InitialAccessToken", answers.InitialAccessTokenAnswer, "output"],
  ["PublicJWK", answers.PublicJWKAnswer, "output"],
  ["SigningKey", answers.KeyAnswer, "output"],
  ["User", answers.UserAnswer, "output"],
  ["Consent", answers.ConsentAnswer, "output"],
  ["Session", answers.SessionAnswer, "output"],
  ["AuditEvent", answers.AuditEventAnswer, "output"],
  ["AuditPage", answers.AuditPageAnswer, "output"],
  ["SeedResult", answers.SeedAnswer, "output"],
  ["PKCEPair", answers.PKCEAnswer, "output"],
  ["RegisteredClient", answers.RegisteredClientAnswer, "output"],
];

/** What the request schemas cannot say themselves. */
const REQUEST_NOTES: Record<string, string> = {
  ClientCreate: "RFC 7591 client metadata plus the policy's fields. " +
    "Unknown keys are ignored here (the admin UI sends `client_type`). " +
    "authorization_code needs a redirect URI; public clients " +
    "(`token_endpoint_auth_method: none`) use PKCE and not " +
    "client_credentials. Every scope must exist.",
  ClientUpdate: "Any of these fields; the rest keep their values. " +
    "`client_id` is accepted only when it names the client being updated.",
  PolicyUpdate: "Any of these fields; the rest keep their values. Every " +
    "scope must exist and default_scopes must be within allowed_scopes.",
  UserCreate: "`claims` may not set what the server sets itself or keeps " +
    `in fields of its own: ${[...RESERVED_CLAIMS].join(", ")}.`,
  UserUpdate: 'Any of these fields. `email: ""` or null clears it; ' +
    "`claims` replaces the whole object; `disabled: true` locks the user " +
    "out (sessions ended, tokens revoked).",
};

const PATH_PARAMETERS: Record<string, string> = {
  client_id: "the client's `client_id`",
  name: "the scope name",
  kid: "the signing key's `kid`",
  user_id: "the user's `id` (not the username)",
  session_id: "the session's `id` from GET /admin/sessions",
};

const SECURITY_SCHEMES = {
  adminToken: {
    type: "apiKey",
    in: "header",
    name: ADMIN_TOKEN_HEADER,
    description: "The admin token made at /setup (or by `deno task " +
      "admin:reset-token`). Failures are counted per client IP: 429 after " +
      "10 in 5 minutes.",
  },
  adminSession: {
    type: "apiKey",
    in: "cookie",
    name: SESSION_COOKIE.admin,
    description: "The admin UI's session cookie from /admin/login. Unsafe " +
      `methods also need ${CSRF_HEADER} (and the \`csrf\` cookie) from ` +
      "our own origin.",
  },
  csrfToken: {
    type: "apiKey",
    in: "header",
    name: CSRF_HEADER,
    description: "The admin page's CSRF token, repeating its `csrf` cookie.",
  },
};

const ERROR_CONTENT = {
  "application/json": { schema: { $ref: "#/components/schemas/Error" } },
};

const RETRY_AFTER = {
  "Retry-After": {
    description: "seconds to wait",
    schema: { type: "integer" },
  },
};

/** Shared failure answers: status -> [component name, response]. */
const ERROR_RESPONSES: Record<number, [string, JSONObject]> = {
  400: ["BadRequest", {
    description: "invalid_request: the body or query breaks a rule; " +
      "`issues` names each bad field",
  }],
  401: ["Unauthorized", {
    description: "unauthorized: missing or wrong admin token (or no admin " +
      "session)",
    headers: {
      "WWW-Authenticate": {
        description: 'AdminToken realm="admin"',
        schema: { type: "string" },
      },
    },
  }],
  403: ["Forbidden", {
    description: "forbidden: an admin session without its CSRF token, or " +
      "from another origin",
  }],
  404: ["NotFound", {
    description: "not_found: no such object (for /dev/*: dev endpoints " +
      "are disabled)",
  }],
  409: ["Conflict", {
    description: "conflict: the change contradicts the current state; the " +
      "body names what is involved",
  }],
  413: ["PayloadTooLarge", {
    description: "payload_too_large: the body is over 1 MiB",
  }],
  415: ["UnsupportedMediaType", {
    description: "unsupported_media_type: the body is not application/json",
  }],
  429: ["TooManyRequests", {
    description: "too_many_requests: too many failed admin tokens from " +
      "this address",
    headers: RETRY_AFTER,
  }],
  503: ["Unavailable", {
    description: "temporarily_unavailable: the database is unavailable",
    headers: RETRY_AFTER,
  }],
};

/**
 * Zod's input view of a list we accept "as a space-separated string or an
 * array" (a preprocess) shows only the array; say both.
 */
function describeListPreprocess(ctx: {
  zodSchema: z.core.$ZodTypes;
  jsonSchema: JSONObject;
}): void {
  const def = ctx.zodSchema._zod.def;
  if (
    def.type !== "pipe" || !def.in._zod.traits.has("$ZodTransform") ||
    def.out._zod.def.type !== "array"
  ) return;
  const array = { ...ctx.jsonSchema };
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  ctx.jsonSchema.anyOf = [
    { type: "string", description: "space-separated" },
    array,
  ];
}

/** A def's JSON with references to itself made name-independent. */
function shape(name: string, def: JSONObject): string {
  return JSON.stringify(def).replaceAll(`"#/$defs/${name}"`, '"#"');
}

/** What zod makes of `z.json()` (a recursive def), to name it once. */
const JSON_VALUE_SHAPE = (() => {
  const json = z.toJSONSchema(z.object({ value: z.json() })) as JSONObject;
  const [[name, def]] = Object.entries(json.$defs as JSONObject);
  return shape(name, def);
})();

/** Converts zod schemas; their `$defs` move to components.schemas. */
class SchemaSet {
  readonly schemas: Record<string, JSONObject> = {};
  #byShape = new Map<string, string>();

  /** `schema` as JSON Schema, `$defs` hoisted and references rewritten. */
  convert(
    schema: z.ZodType,
    io: "input" | "output",
    owner: string,
  ): JSONObject {
    const json = z.toJSONSchema(schema, {
      target: "draft-2020-12",
      io,
      reused: "inline",
      unrepresentable: "throw",
      override: describeListPreprocess,
    }) as JSONObject;
    delete json.$schema;
    const defs: Record<string, JSONObject> = json.$defs ?? {};
    delete json.$defs;
    const renamed = new Map<string, string>();
    const hoisted: JSONObject[] = [];
    for (const [name, def] of Object.entries(defs)) {
      const key = shape(name, def);
      let target = this.#byShape.get(key);
      if (!target) {
        target = key === JSON_VALUE_SHAPE
          ? "JSONValue"
          : `${owner}_${Object.keys(this.schemas).length}`;
        this.schemas[target] = def;
        this.#byShape.set(key, target);
        hoisted.push(def);
      }
      renamed.set(`#/$defs/${name}`, `#/components/schemas/${target}`);
    }
    const rewrite = (node: unknown): void => {
      if (node === null || typeof node !== "object") return;
      const obj = node as JSONObject;
      if (typeof obj.$ref === "string" && renamed.has(obj.$ref)) {
        obj.$ref = renamed.get(obj.$ref);
      }
      for (const child of Object.values(obj)) rewrite(child);
    };
    rewrite(json);
    hoisted.forEach(rewrite);
    return json;
  }
}

interface Context {
  set: SchemaSet;
  names: Map<z.ZodType, string>;
}

/** A `$ref` for a named schema (or an array of one), else the schema inline. */
function schemaFor(
  ctx: Context,
  schema: z.ZodType,
  io: "input" | "output",
  owner: string,
): JSONObject {
  const name = ctx.names.get(schema);
  if (name) return { $ref: `#/components/schemas/${name}` };
  if (schema instanceof z.ZodArray) {
    const item = ctx.names.get(schema.element as z.ZodType);
    if (item) {
      return { type: "array", items: { $ref: `#/components/schemas/${item}` } };
    }
  }
  return ctx.set.convert(schema, io, owner);
}

function pathParameters(path: string): JSONObject[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    description: PATH_PARAMETERS[name] ?? name,
    schema: { type: "string", minLength: 1, maxLength: 1000 },
  }));
}

function queryParameters(ctx: Context, op: AdminOperation): JSONObject[] {
  if (!op.query) return [];
  const json = ctx.set.convert(op.query, "input", op.operationId);
  const required = new Set<string>(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, schema]) => {
    const { description, ...rest } = schema as JSONObject;
    return {
      name,
      in: "query",
      required: required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
      ...(op.queryExample?.[name] !== undefined
        ? { example: op.queryExample[name] }
        : {}),
    };
  });
}

function security(op: AdminOperation): JSONObject[] {
  if (op.area === "dev") return [{ adminToken: [] }];
  if (op.method === "get") return [{ adminToken: [] }, { adminSession: [] }];
  return [{ adminToken: [] }, { adminSession: [], csrfToken: [] }];
}

/** The failure statuses an operation can answer. */
export function errorStatuses(op: AdminOperation): number[] {
  const statuses = new Set<number>([401, 429, 503]);
  for (const status of op.errors ?? []) statuses.add(status);
  if (op.body || op.query) statuses.add(400);
  if (op.body) {
    statuses.add(413);
    statuses.add(415);
  }
  if (op.path.includes("{") || op.area === "dev") statuses.add(404);
  if (op.area !== "dev" && op.method !== "get") statuses.add(403);
  return [...statuses].sort((a, b) => a - b);
}

function successResponse(
  ctx: Context,
  op: AdminOperation,
  answer: Answer,
): JSONObject {
  if (!answer.schema) return { description: answer.description };
  return {
    description: answer.description,
    content: {
      "application/json": {
        schema: schemaFor(ctx, answer.schema, "output", op.operationId),
      },
    },
  };
}

function operationObject(ctx: Context, op: AdminOperation): JSONObject {
  const responses: JSONObject = {};
  for (const [status, answer] of Object.entries(op.answers)) {
    responses[status] = successResponse(ctx, op, answer);
  }
  for (const status of errorStatuses(op)) {
    const [name] = ERROR_RESPONSES[status];
    responses[status] = { $ref: `#/components/responses/${name}` };
  }
  const parameters = [...pathParameters(op.path), ...queryParameters(ctx, op)];
  return {
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? {
        requestBody: {
          required: !op.body.optional,
          content: {
            "application/json": {
              schema: schemaFor(ctx, op.body.schema, "input", op.operationId),
              example: op.body.example,
            },
          },
        },
      }
      : {}),
    responses,
    security: security(op),
  };
}

export interface AdminOpenAPIOptions {
  /** The base URL the document names as its server (the issuer). */
  serverURL: string;
}

/**
 * Builds the OpenAPI 3.1 document for every operation in ADMIN_OPERATIONS.
 * @example
 * const doc = buildAdminOpenAPI({ serverURL: deps.config.issuer });
 */
export function buildAdminOpenAPI(options: AdminOpenAPIOptions): JSONObject {
  const set = new SchemaSet();
  const names = new Map<z.ZodType, string>();
  for (const [name, schema, io] of COMPONENTS) {
    const json = set.convert(schema, io, name);
    const description = REQUEST_NOTES[name];
    set.schemas[name] = description ? { description, ...json } : json;
    names.set(schema, name);
  }
  const ctx: Context = { set, names };
  const paths: JSONObject = {};
  for (const op of ADMIN_OPERATIONS) {
    paths[op.path] ??= {};
    paths[op.path][op.method] = operationObject(ctx, op);
  }
  const responses: JSONObject = {};
  for (const [name, response] of Object.values(ERROR_RESPONSES)) {
    responses[name] = { ...response, content: ERROR_CONTENT };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Authorization server admin API",
      version: "1",
      description: "Manage scopes, clients and their policies, signing " +
        "keys, users, sessions and the audit log. Bodies are JSON; unknown " +
        "keys are refused (except in client metadata, which ignores them); " +
        "lists are accepted as a space-separated string or an array. Every " +
        "answer is `Cache-Control: no-store`. Every write is audited. The " +
        "`dev` operations exist only with ENABLE_DEV_ENDPOINTS=true.",
    },
    servers: [{ url: options.serverURL }],
    tags: [
      { name: "scopes" },
      { name: "resources", description: "API resources (RFC 8707)" },
      { name: "clients", description: "clients and their policies" },
      {
        name: "registration",
        description: "dynamic registration (RFC 7591) and Client ID " +
          "Metadata Documents: policy and initial access tokens",
      },
      { name: "keys", description: "signing keys (JWKS)" },
      { name: "users", description: "users and their consents" },
      {
        name: "accounts",
        description: "self-service settings and registration invitations",
      },
      {
        name: "branding",
        description: "the name, logo, accent colour and support link of " +
          "the end-user pages",
      },
      { name: "sessions", description: "signed-in user sessions" },
      { name: "audit" },
      { name: "meta" },
      {
        name: "dev",
        description: "development helpers: served only with " +
          "ENABLE_DEV_ENDPOINTS=true, to the admin token only",
      },
    ],
    paths: Object.fromEntries(
      Object.entries(paths).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    components: {
      schemas: set.schemas,
      responses,
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}

/** The document as committed to docs/openapi.json (formatted as deno fmt does). */
export function adminOpenAPIText(options: AdminOpenAPIOptions): string {
  return `${JSON.stringify(buildAdminOpenAPI(options), null, 2)}\n`;
}

const served = new Map<string, string>();

/** `adminOpenAPIText` for a server URL, built once per URL (per issuer). */
export function servedAdminOpenAPI(serverURL: string): string {
  let text = served.get(serverURL);
  if (text === undefined) {
    text = adminOpenAPIText({ serverURL });
    served.set(serverURL, text);
  }
  return text;
}

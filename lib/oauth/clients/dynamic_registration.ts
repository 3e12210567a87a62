/**
 * OAuth 2.0 Dynamic Client Registration (RFC 7591) at POST /register and
 * its management protocol (RFC 7592) at /register/{client_id}. Who may
 * register is the admin's policy per kind of client (off,
 * initial-access-token, open; lib/oauth/clients/registration_settings.ts);
 * every attempt counts against a per-address budget before anything else
 * is looked at; the metadata is validated by the same schema and client
 * invariants as every registration path (lib/oauth/clients/metadata.ts);
 * initial and registration access tokens are stored as SHA-256 only. Such
 * clients are marked `dynamic` (shown as unverified) and never skip
 * consent.
 * @module
 */
import type { z } from "zod";
import {
  deleteClient,
  findClientWithPolicy,
  insertClient,
  updateClient,
  updatePolicy,
} from "../../db/clients.ts";
import { useInitialAccessToken } from "../../db/initial_access_tokens.ts";
import type { ClientRow, DB } from "../../db/schema.ts";
import { listScopes } from "../../db/scopes.ts";
import type { Deps } from "../../deps.ts";
import { registrationCounters } from "../../security/budget_counters.ts";
import { randomToken, sha256, timingSafeEqual } from "../../security/crypto.ts";
import {
  AccessDenied,
  BearerError,
  InvalidClientMetadata,
  InvalidRegistrationRedirectURI,
  InvalidRequest,
  SlowDown,
} from "../errors.ts";
import { mediaType } from "../request.ts";
import { jsonResponse } from "../response.ts";
import { isPublicAuthMethod, splitList } from "../vocabulary.ts";
import { SelfRegistration, type SelfRegistrationValues } from "./metadata.ts";
import { registrationSettings } from "./registration_settings.ts";

/** The largest registration body read. */
const MAX_BODY_BYTES = 16 * 1024;
const REALM = "register";

/** The first problem of a registration, as RFC 7591 §3.2.2 names it. */
function metadataError(error: z.ZodError): Error {
  const issue = error.issues[0];
  const path = issue?.path.join(".") ?? "";
  const text = `${path ? `${path}: ` : ""}${issue?.message ?? "invalid"}`;
  return path.startsWith("redirect_uris")
    ? new InvalidRegistrationRedirectURI(text)
    : new InvalidClientMetadata(text);
}

async function readBody(req: Request): Promise<unknown> {
  if (mediaType(req) !== "application/json") {
    throw new InvalidRequest("the request body must be application/json");
  }
  const text = await req.text();
  if (text.length > MAX_BODY_BYTES) {
    throw new InvalidRequest(
      `the request body exceeds ${MAX_BODY_BYTES} bytes`,
    );
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequest("the request body is not valid JSON");
  }
}

function parseMetadata(body: unknown): SelfRegistrationValues {
  const parsed = SelfRegistration.safeParse(body);
  if (!parsed.success) throw metadataError(parsed.error);
  return parsed.data;
}

/** The bearer token of the Authorization header, or null. */
function bearer(req: Request): string | null {
  const header = req.headers.get("Authorization");
  if (!header || !/^bearer\s/i.test(header)) return null;
  const token = header.slice(7).trim();
  return token === "" ? null : token;
}

/**
 * The scopes the client may ask for: what it registered (each must exist,
 * RFC 7591 §2 lets the server refuse), or every scope this server has.
 */
async function allowedScopes(
  db: DB,
  requested: string[] | undefined,
): Promise<string[]> {
  const known = (await listScopes(db)).map((s) => s.name);
  if (requested === undefined) return known;
  const unknown = requested.filter((s) => !known.includes(s));
  if (unknown.length) {
    throw new InvalidClientMetadata(
      `scope: unknown scope ${unknown.join(" ")}`,
    );
  }
  return requested;
}

/** RFC 7591 §3.2.1 / RFC 7592 §3: the client information response. */
function information(
  deps: Deps,
  row: ClientRow,
  secrets: { clientSecret?: string; registrationToken: string },
): Record<string, unknown> {
  return {
    client_id: row.client_id,
    ...(secrets.clientSecret
      ? { client_secret: secrets.clientSecret, client_secret_expires_at: 0 }
      : {}),
    client_id_issued_at: row.created_at,
    registration_access_token: secrets.registrationToken,
    registration_client_uri: `${deps.config.issuer}/register/${
      encodeURIComponent(row.client_id)
    }`,
    client_name: row.client_name,
    redirect_uris: JSON.parse(row.redirect_uris),
    grant_types: splitList(row.grant_types),
    response_types: splitList(row.response_types),
    token_endpoint_auth_method: row.token_endpoint_auth_method,
    scope: row.scope,
    application_type: row.application_type,
  };
}

/**
 * RFC 7591 §3: "the authorization server MAY be configured to support
 * open client registration ... or ... require an initial access token".
 */
async function checkPolicy(
  deps: Deps,
  req: Request,
  isPublic: boolean,
): Promise<string | null> {
  const settings = await registrationSettings(deps);
  const policy = isPublic
    ? settings.publicClients
    : settings.confidentialClients;
  const kind = isPublic ? "public" : "confidential";
  if (policy === "off") {
    throw new AccessDenied(`dynamic registration of ${kind} clients is off`);
  }
  if (policy === "open") return null;
  const token = bearer(req);
  if (token === null) {
    throw new BearerError(
      "invalid_token",
      `registering a ${kind} client needs an initial access token`,
      { realm: REALM },
    );
  }
  return sha256(token);
}

/**
 * POST /register (RFC 7591 §3.1). Answers 201 with the client
 * information (§3.2.1), or the §3.2.2 errors.
 *
 * @example
 * ```ts
 * POST: (req, { deps, ip }) => registrationEndpoint(deps, req, ip),
 * ```
 */
export async function registrationEndpoint(
  deps: Deps,
  req: Request,
  ip: string | null,
): Promise<Response> {
  const now = deps.now();
  // Every attempt is counted before anything is looked at.
  const admission = await deps.budgets.begin(
    registrationCounters(ip),
    now * 1000,
  );
  if (!admission.ok) {
    throw new SlowDown(
      "too many registrations from this address",
      admission.retryAfter,
    );
  }
  await admission.attempt.failed();
  const metadata = parseMetadata(await readBody(req));
  const isPublic = isPublicAuthMethod(metadata.token_endpoint_auth_method);
  const initialTokenHash = await checkPolicy(deps, req, isPublic);
  // A client_credentials token is issued without any user's consent: only
  // a client someone vouched for (with an initial access token) gets one.
  if (
    initialTokenHash === null &&
    metadata.grant_types.includes("client_credentials")
  ) {
    throw new InvalidClientMetadata(
      "grant_types: client_credentials needs an initial access token " +
        "(no user consents to its tokens)",
    );
  }
  const clientID = `dcr-${randomToken(12)}`;
  const secret = isPublic ? undefined : randomToken(32);
  const registrationToken = randomToken(32);
  const row = await deps.db.transaction().execute(async (trx) => {
    if (
      initialTokenHash !== null &&
      !(await useInitialAccessToken(trx, initialTokenHash, now))
    ) {
      throw new BearerError(
        "invalid_token",
        "the initial access token is invalid, expired or used up",
        { realm: REALM },
      );
    }
    const scope = (await allowedScopes(trx, metadata.scope)).join(" ");
    const client: ClientRow = {
      client_id: clientID,
      client_name: metadata.client_name ?? clientID,
      client_secret_hash: secret ? sha256(secret) : null,
      redirect_uris: JSON.stringify(metadata.redirect_uris),
      grant_types: metadata.grant_types.join(" "),
      response_types: metadata.response_types.join(" "),
      scope,
      token_endpoint_auth_method: metadata.token_endpoint_auth_method,
      require_consent: 1,
      created_at: now,
      updated_at: now,
      registration_type: "dynamic",
      disabled: 0,
      application_type: metadata.application_type,
      registration_access_token_hash: sha256(registrationToken),
      metadata_fetched_at: null,
      metadata_expires_at: null,
    };
    await insertClient(trx, client, {
      client_id: clientID,
      allowed_scopes: scope,
      default_scopes: scope,
      post_logout_redirect_uris: JSON.stringify(
        metadata.post_logout_redirect_uris,
      ),
      require_pkce: 1,
      consent_policy: "once",
      access_token_lifetime: 3600,
      refresh_token_ttl_days: 30,
      token_format: "opaque",
      id_token_signed_response_alg: "RS256",
      refresh_reuse_grace_seconds: 0,
      updated_at: now,
    });
    return client;
  });
  deps.log.log("info", "client registered dynamically", {
    client_id: clientID,
    public: isPublic,
    ip,
  });
  return jsonResponse(
    information(deps, row, { clientSecret: secret, registrationToken }),
    { status: 201 },
  );
}

/**
 * RFC 7592 §2: the registration access token of this client, or 401
 * invalid_token (an unknown client answers the same: nothing is revealed).
 */
async function authorizedClient(
  deps: Deps,
  req: Request,
  clientID: string,
): Promise<{ row: ClientRow; token: string }> {
  const token = bearer(req);
  const refused = new BearerError(
    "invalid_token",
    "the registration access token is invalid",
    { realm: REALM },
  );
  if (token === null || clientID.length > 255 || clientID.includes("\0")) {
    throw refused;
  }
  const found = await findClientWithPolicy(deps.db, clientID);
  const hash = found?.client.registration_access_token_hash ?? null;
  const matches = timingSafeEqual(sha256(token), hash ?? sha256(""));
  if (!found || hash === null || !matches) throw refused;
  return { row: found.client, token };
}

/**
 * GET, PUT and DELETE /register/{client_id} (RFC 7592 §2.1-§2.3).
 */
export async function registrationManagement(
  deps: Deps,
  req: Request,
  clientID: string,
): Promise<Response> {
  const { row, token } = await authorizedClient(deps, req, clientID);
  if (req.method === "GET") {
    return jsonResponse(information(deps, row, { registrationToken: token }));
  }
  if (req.method === "DELETE") {
    await deleteClient(deps.db, clientID);
    deps.log.log("info", "dynamically registered client deleted", {
      client_id: clientID,
    });
    return new Response(null, {
      status: 204,
      headers: { "Cache-Control": "no-store" },
    });
  }
  // PUT: RFC 7592 §2.2 "This request MUST include all client metadata
  // fields as returned to the client from a previous registration".
  const body = await readBody(req) as Record<string, unknown>;
  if (body?.client_id !== clientID) {
    throw new InvalidRequest("client_id must be the client being updated");
  }
  const metadata = parseMetadata(body);
  if (
    isPublicAuthMethod(metadata.token_endpoint_auth_method) !==
      isPublicAuthMethod(row.token_endpoint_auth_method)
  ) {
    throw new InvalidClientMetadata(
      "token_endpoint_auth_method cannot change between public and " +
        "confidential; register a new client",
    );
  }
  // What the registration was allowed to have (client_credentials only
  // with an initial access token) cannot be widened afterwards.
  const had = splitList(row.grant_types);
  const added = metadata.grant_types.filter((g) => !had.includes(g));
  if (added.length) {
    throw new InvalidClientMetadata(
      `grant_types: ${added.join(" ")} cannot be added; register a new client`,
    );
  }
  const now = deps.now();
  const updated = await deps.db.transaction().execute(async (trx) => {
    const scope = (await allowedScopes(trx, metadata.scope)).join(" ");
    const values = {
      client_name: metadata.client_name ?? clientID,
      redirect_uris: JSON.stringify(metadata.redirect_uris),
      grant_types: metadata.grant_types.join(" "),
      response_types: metadata.response_types.join(" "),
      scope,
      token_endpoint_auth_method: metadata.token_endpoint_auth_method,
      application_type: metadata.application_type,
      updated_at: now,
    };
    await updateClient(trx, clientID, values);
    await updatePolicy(trx, clientID, {
      allowed_scopes: scope,
      default_scopes: scope,
      post_logout_redirect_uris: JSON.stringify(
        metadata.post_logout_redirect_uris,
      ),
      updated_at: now,
    });
    return { ...row, ...values };
  });
  return jsonResponse(information(deps, updated, { registrationToken: token }));
}

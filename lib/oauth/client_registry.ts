/**
 * Registering clients: metadata validated with zod (exact redirect URIs, no
 * fragments, http only on loopback), the secret generated here, stored as a
 * SHA-256 digest and returned exactly once, the policy created with the
 * client in one transaction.
 * @module
 */
import { z } from "zod";
import { findClientWithPolicy, insertClient } from "../db/clients.ts";
import { HttpError } from "../http/http_error.ts";
import { parseWith } from "../http/json_body.ts";
import type { DB } from "../db/schema.ts";
import { SIGNING_ALGS } from "../keys.ts";
import { randomToken, sha256 } from "../security/crypto.ts";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The longest redirect or post-logout URI a client may register. */
export const MAX_REDIRECT_URI_LENGTH = 2000;

/** RFC 9700 §2.1 / RFC 8252 §7: absolute, no fragment, https except loopback. */
export function checkRedirectURI(value: string): string | null {
  if (value.length > MAX_REDIRECT_URI_LENGTH) {
    return `must be at most ${MAX_REDIRECT_URI_LENGTH} characters`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URI";
  }
  if (url.hash || value.includes("#")) return "must not contain a fragment";
  if (value.includes("*")) return "must not contain wildcards";
  if (url.protocol === "http:" && !LOOPBACK.has(url.hostname)) {
    return "http is allowed only for localhost/127.0.0.1; use https";
  }
  if (url.protocol === "javascript:" || url.protocol === "data:") {
    return "scheme is not allowed";
  }
  return null;
}

const uriList = z.union([z.string(), z.array(z.string())]).transform((v) =>
  Array.isArray(v) ? v : v.split(/\s+/).filter(Boolean)
).superRefine((list, ctx) => {
  for (const uri of list) {
    const problem = checkRedirectURI(uri);
    if (problem) ctx.addIssue({ code: "custom", message: `${uri} ${problem}` });
  }
});

const scopeList = z.union([z.string(), z.array(z.string())]).transform((v) =>
  Array.isArray(v) ? v : v.split(/\s+/).filter(Boolean)
).refine((l) => l.every((s) => /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(s)), {
  message: "scopes are space-separated tokens without quotes or backslashes",
});

const GRANT_TYPES = [
  "authorization_code",
  "refresh_token",
  "client_credentials",
] as const;

/** Client metadata accepted by /dev/create_client and the admin API. */
export const ClientMetadata = z.object({
  client_id: z.string().regex(/^[A-Za-z0-9._~-]{1,100}$/, {
    message: "client_id must be 1-100 URL-safe characters",
  }).optional(),
  client_name: z.string().trim().min(1).max(200).refine(
    (v) => !v.includes("\0"),
    { message: "client_name must not contain NUL characters" },
  ).optional(),
  redirect_uris: uriList.default([]),
  grant_types: z.union([z.string(), z.array(z.enum(GRANT_TYPES))]).transform((
    v,
  ) => Array.isArray(v) ? v : v.split(/\s+/).filter(Boolean)).pipe(
    z.array(z.enum(GRANT_TYPES)).min(1),
  ).default(["authorization_code", "refresh_token"]),
  response_types: z.union([z.string(), z.array(z.literal("code"))]).transform((
    v,
  ) => Array.isArray(v) ? v : v.split(/\s+/).filter(Boolean)).pipe(
    z.array(z.literal("code")),
  ).default(["code"]),
  scope: scopeList.default(["openid", "profile", "email", "offline_access"]),
  token_endpoint_auth_method: z.enum([
    "none",
    "client_secret_basic",
    "client_secret_post",
  ]).default("client_secret_basic"),
  require_consent: z.boolean().default(true),
  post_logout_redirect_uris: uriList.default([]),
  require_pkce: z.boolean().default(true),
  consent_policy: z.enum(["always", "once", "skip"]).default("once"),
  access_token_lifetime: z.number().int().min(60).max(86400).default(3600),
  refresh_token_ttl_days: z.number().int().min(1).max(365).default(30),
  token_format: z.enum(["opaque", "jwt"]).default("opaque"),
  id_token_signed_response_alg: z.enum(SIGNING_ALGS).default("RS256"),
}).superRefine((m, ctx) => {
  if (
    m.grant_types.includes("authorization_code") && m.redirect_uris.length === 0
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["redirect_uris"],
      message: "at least one redirect URI is required for authorization_code",
    });
  }
  if (
    m.token_endpoint_auth_method === "none" &&
    m.grant_types.includes("client_credentials")
  ) {
    ctx.addIssue({
      code: "custom",
      path: ["grant_types"],
      message: "public clients cannot use client_credentials",
    });
  }
  if (m.token_endpoint_auth_method === "none" && !m.require_pkce) {
    ctx.addIssue({
      code: "custom",
      path: ["require_pkce"],
      message: "public clients must use PKCE",
    });
  }
});

export type ClientMetadataInput = z.input<typeof ClientMetadata>;
export type ClientMetadataValues = z.output<typeof ClientMetadata>;

export interface RegisteredClient {
  client_id: string;
  /** Present once, at creation, for confidential clients. */
  client_secret?: string;
  client_name: string;
  redirect_uris: string[];
  grant_types: string[];
  response_types: string[];
  scope: string;
  token_endpoint_auth_method: string;
}

/** Creates a client and its policy; returns it with the secret (once). */
export async function registerClient(
  db: DB,
  metadata: ClientMetadataValues,
  now: number,
): Promise<RegisteredClient> {
  return await db.transaction().execute((trx) =>
    insertRegisteredClient(trx, metadata, now)
  );
}

/**
 * The inserts of `registerClient` without a transaction of their own, for a
 * caller that writes more (an audit event) in the same transaction.
 */
export async function insertRegisteredClient(
  trx: DB,
  metadata: ClientMetadataValues,
  now: number,
): Promise<RegisteredClient> {
  const clientID = metadata.client_id ?? `client-${randomToken(9)}`;
  const isPublic = metadata.token_endpoint_auth_method === "none";
  const secret = isPublic ? undefined : randomToken(32);
  const scope = metadata.scope.join(" ");
  await insertClient(trx, {
    client_id: clientID,
    client_name: metadata.client_name ?? clientID,
    client_secret_hash: secret ? sha256(secret) : null,
    redirect_uris: JSON.stringify(metadata.redirect_uris),
    grant_types: metadata.grant_types.join(" "),
    response_types: metadata.response_types.join(" "),
    scope,
    token_endpoint_auth_method: metadata.token_endpoint_auth_method,
    require_consent: metadata.require_consent ? 1 : 0,
    created_at: now,
    updated_at: now,
  }, {
    client_id: clientID,
    allowed_scopes: scope,
    default_scopes: scope,
    post_logout_redirect_uris: JSON.stringify(
      metadata.post_logout_redirect_uris,
    ),
    require_pkce: metadata.require_pkce ? 1 : 0,
    consent_policy: metadata.consent_policy,
    access_token_lifetime: metadata.access_token_lifetime,
    refresh_token_ttl_days: metadata.refresh_token_ttl_days,
    token_format: metadata.token_format,
    id_token_signed_response_alg: metadata.id_token_signed_response_alg,
    updated_at: now,
  });
  return {
    client_id: clientID,
    ...(secret ? { client_secret: secret } : {}),
    client_name: metadata.client_name ?? clientID,
    redirect_uris: metadata.redirect_uris,
    grant_types: metadata.grant_types,
    response_types: metadata.response_types,
    scope,
    token_endpoint_auth_method: metadata.token_endpoint_auth_method,
  };
}

/** Validates JSON client metadata and registers it (409 if the id is taken). */
export async function createClientFromJSON(
  db: DB,
  body: unknown,
  now: number,
): Promise<RegisteredClient> {
  const metadata = parseWith(ClientMetadata, body);
  if (
    metadata.client_id && await findClientWithPolicy(db, metadata.client_id)
  ) {
    throw new HttpError(409, `client ${metadata.client_id} already exists`);
  }
  return await registerClient(db, metadata, now);
}

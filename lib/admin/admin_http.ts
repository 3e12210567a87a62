/**
 * What every admin JSON route shares: who is acting (for the audit log),
 * `no-store` JSON answers, optional JSON bodies, and 400/404 errors in the
 * same shape `parseWith` gives.
 * @module
 */
import type { AppContext } from "../http/define.ts";
import { HttpError } from "../http/http_error.ts";
import { type FieldIssue, invalidFields, readJSON } from "../http/json_body.ts";
import { clientIP } from "../http/request.ts";

/** The admin behind a write, as the audit log records it. */
export interface AdminActor {
  actor: string;
  ip: string | null;
}

export type { FieldIssue };

const NO_STORE = { "Cache-Control": "no-store" };

/** The acting admin of a request the admin middleware has let through. */
export function adminActor(c: AppContext): AdminActor {
  return { actor: c.var.admin?.actor ?? "admin", ip: clientIP(c) };
}

/** A JSON answer that no cache keeps (admin data, secrets shown once). */
export function adminJSON(
  c: AppContext,
  body: unknown,
  status: 200 | 201 = 200,
): Response {
  return c.json(body, status, NO_STORE);
}

/** 204 for a successful delete. */
export function noContent(c: AppContext): Response {
  return c.body(null, 204, NO_STORE);
}

/**
 * The JSON body of a request that may have none (the seed's
 * `curl -X POST …/admin/rotate_jwk` sends no body and no Content-Type):
 * an empty body reads as `{}`, anything else must be JSON.
 */
export async function readOptionalJSON(req: Request): Promise<unknown> {
  const text = await req.clone().text();
  if (text.trim() === "") return {};
  return await readJSON(req);
}

/** Throws the 400 `parseWith` would, for rules zod cannot see (the database). */
export function throwIssues(issues: FieldIssue[]): void {
  if (issues.length > 0) throw invalidFields(issues);
}

/**
 * A path parameter naming an admin object. One no object can have (a NUL,
 * which PostgreSQL text cannot hold, or absurd length) is a 404 at once.
 */
export function pathParam(c: AppContext, name: string, kind: string): string {
  const value = c.req.param(name) ?? "";
  if (value === "" || value.length > 1000 || value.includes("\0")) {
    throw new HttpError(404, `unknown ${kind}`);
  }
  return value;
}

/** 404 for an admin object that does not exist. */
export function notFound(kind: string, id: string): HttpError {
  return new HttpError(404, `unknown ${kind}: ${id}`);
}

/** A unique-key violation from either engine (lib/db/errors.ts). */
export { isUniqueViolation } from "../db/errors.ts";

/**
 * Reading JSON request bodies and turning zod failures into one 400 shape:
 * `{"error":"invalid_request","error_description":…,"issues":[{path,message}]}`.
 * @module
 */
import type { z } from "zod";
import { HttpError } from "./http_error.ts";

/** Parses a JSON body; 415 for another content type, 400 for bad JSON. */
export async function readJSON(req: Request): Promise<unknown> {
  const type = req.headers.get("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new HttpError(415, "the request body must be application/json");
  }
  try {
    return await req.json();
  } catch {
    throw new HttpError(400, "the request body is not valid JSON");
  }
}

/** Validates with `schema` or throws a 400 naming each bad field. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    path: i.path.join("."),
    message: i.message,
  }));
  const first = issues[0];
  throw new HttpError(
    400,
    first ? `${first.path || "body"}: ${first.message}` : "invalid body",
    { code: "invalid_request", details: { issues } },
  );
}

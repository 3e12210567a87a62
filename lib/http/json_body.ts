/**
 * Reading JSON request bodies and turning zod failures into one 400 shape:
 * `{"error":"invalid_request","error_description":…,"issues":[{path,message}]}`.
 * @module
 */
import type { z } from "zod";
import { HttpError } from "./http_error.ts";

/**
 * How deeply a JSON body may nest. No payload of ours needs more than a few
 * levels (a user claim like `address` has two); validators recurse, and a
 * body nested thousands deep would exhaust the stack (a 500) instead of
 * being refused.
 */
export const MAX_JSON_DEPTH = 32;

/** Whether `value` nests deeper than `max`, checked without recursion. */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Parses a JSON body; 415 for another content type, 400 for bad JSON or
 * JSON nested deeper than MAX_JSON_DEPTH.
 */
export async function readJSON(req: Request): Promise<unknown> {
  const type = req.headers.get("Content-Type") ?? "";
  if (!type.toLowerCase().startsWith("application/json")) {
    throw new HttpError(415, "the request body must be application/json");
  }
  let value: unknown;
  try {
    value = await req.json();
  } catch {
    throw new HttpError(400, "the request body is not valid JSON");
  }
  if (nestsDeeperThan(value, MAX_JSON_DEPTH)) {
    throw new HttpError(
      400,
      `the request body nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
  }
  return value;
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

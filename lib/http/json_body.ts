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

/** "a string", "an array": the article a type name takes. */
function aType(name: string): string {
  const type = name === "int" ? "whole number" : name;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** How much of what: "200 characters", "1 item", "60". */
function amount(origin: string, n: number | bigint): string {
  if (origin === "string") return `${n} character${n === 1 ? "" : "s"}`;
  if (origin === "array" || origin === "set") {
    return `${n} item${n === 1 ? "" : "s"}`;
  }
  return String(n);
}

/**
 * zod's default messages as the predicate of a sentence about the field
 * ("must be a string", "must be at most 200 characters"); messages our
 * schemas state themselves are kept (they take precedence over this map).
 */
const sentences: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? "is required"
        : `must be ${aType(issue.expected)}`;
    case "too_small":
      if (issue.origin === "string" && Number(issue.minimum) === 1) {
        return "must not be empty";
      }
      return issue.origin === "array" || issue.origin === "set"
        ? `must list at least ${amount(issue.origin, issue.minimum)}`
        : `must be at least ${amount(issue.origin, issue.minimum)}`;
    case "too_big":
      return issue.origin === "array" || issue.origin === "set"
        ? `must list at most ${amount(issue.origin, issue.maximum)}`
        : `must be at most ${amount(issue.origin, issue.maximum)}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => String(v)).join(", ")}`;
    case "invalid_format":
      return issue.format === "email"
        ? "must be an email address"
        : `must be a valid ${issue.format}`;
    case "invalid_union":
      return "must be a string or an array of strings";
    case "unrecognized_keys":
      return "is not a known field";
    default:
      return "is invalid";
  }
};

/** One bad field: its path and a sentence's predicate about it. */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The 400 naming each bad field (the first in the description). */
export function invalidFields(issues: FieldIssue[]): HttpError {
  const first = issues[0];
  return new HttpError(
    400,
    first ? `${first.path || "body"}: ${first.message}` : "invalid body",
    { code: "invalid_request", details: { issues } },
  );
}

/** Each problem named by its field; an unknown key is its own issue. */
function fieldIssues(error: z.ZodError): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path.join(".");
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({
          path: path ? `${path}.${key}` : key,
          message: "is not a known field",
        });
      }
    } else {
      issues.push({ path, message: issue.message });
    }
  }
  return issues;
}

/**
 * Validates with `schema` or throws a 400 naming each bad field, in
 * sentences: `{"error_description": "client_name: must be a string",
 * "issues": [{path, message}]}`.
 */
export function parseWith<S extends z.ZodType>(
  schema: S,
  value: unknown,
): z.output<S> {
  const parsed = schema.safeParse(value, { error: sentences });
  if (parsed.success) return parsed.data;
  throw invalidFields(fieldIssues(parsed.error));
}

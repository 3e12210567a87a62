/**
 * Field checks the admin islands run as you type. Browser-safe (no server
 * imports): the protocol rules come from lib/oauth/vocabulary.ts, as on the
 * server; the field formats are kept in step with lib/admin/schemas.ts,
 * which has the last word. tests/admin_ui/validate_test.ts compares the two
 * on the same inputs.
 * @module
 */
import { checkRedirectURI, splitList } from "../../oauth/vocabulary.ts";

export { splitList };

/** A message for a bad value, or null when it is fine. */
export type Problem = string | null;

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const CLAIM_NAME = /^[\x21-\x7E]+$/;
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,100}$/;

/** The first bad URI of a list, named, as the server words it. */
export function uriListProblem(text: string): Problem {
  for (const uri of splitList(text)) {
    const problem = checkRedirectURI(uri);
    if (problem) return `${uri} ${problem}`;
  }
  return null;
}

/** Space-separated scope tokens; `known` (when given) lists existing scopes. */
export function scopeListProblem(text: string, known?: string[]): Problem {
  const scopes = splitList(text);
  const bad = scopes.find((s) => !SCOPE_TOKEN.test(s) || s.length > 100);
  if (bad) return `${bad} is not a scope token (no quotes or backslashes)`;
  if (known) {
    const unknown = scopes.filter((s) => !known.includes(s));
    if (unknown.length) return `unknown scope: ${unknown.join(" ")}`;
  }
  return null;
}

export function scopeNameProblem(name: string): Problem {
  if (name === "") return "must not be empty";
  if (name.length > 100) return "must be at most 100 characters";
  if (!SCOPE_TOKEN.test(name)) {
    return "must be a scope token (printable ASCII, no spaces, quotes or " +
      "backslashes)";
  }
  return null;
}

export function claimListProblem(text: string): Problem {
  const bad = splitList(text).find((c) => !CLAIM_NAME.test(c));
  return bad ? `${bad}: claim names are printable characters` : null;
}

export function clientIDProblem(value: string): Problem {
  return CLIENT_ID.test(value)
    ? null
    : "client_id must be 1-100 URL-safe characters (letters, digits, . _ ~ -)";
}

/** A whole number from a form field, within [min, max]. */
export function integerProblem(
  text: string,
  min: number,
  max: number,
): Problem {
  if (!/^\d+$/.test(text.trim())) return "must be a whole number";
  const n = Number(text);
  if (n < min || n > max) return `must be between ${min} and ${max}`;
  return null;
}

export function usernameProblem(value: string): Problem {
  if (value === "") return "must not be empty";
  if (value.length > 100) return "must be at most 100 characters";
  // deno-lint-ignore no-control-regex
  if (/[\s\x00-\x1F\x7F]/.test(value)) {
    return "must not contain spaces or control characters";
  }
  return null;
}

export function passwordProblem(value: string): Problem {
  if (value.length < 8) return "must be at least 8 characters";
  if (value.length > 1024) return "must be at most 1024 characters";
  return null;
}

export function emailProblem(value: string): Problem {
  if (value === "") return null;
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)
    ? null
    : "must be an email address";
}

/** Extra user claims: a JSON object (empty text means none). */
export function claimsJSONProblem(text: string): Problem {
  if (text.trim() === "") return null;
  try {
    const value = JSON.parse(text);
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      return 'must be a JSON object, e.g. {"name": "Alice"}';
    }
    return null;
  } catch {
    return "is not valid JSON";
  }
}

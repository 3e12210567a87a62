/**
 * Field checks the admin islands run as you type. Browser-safe (no server
 * imports) and kept in step with the server's rules: lib/admin/schemas.ts
 * and lib/oauth/client_registry.ts, which have the last word.
 * tests/admin_ui/validate_test.ts compares the two on the same inputs.
 * @module
 */

/** A message for a bad value, or null when it is fine. */
export type Problem = string | null;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);
/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const CLAIM_NAME = /^[\x21-\x7E]+$/;
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,100}$/;

/** Splits a space- or newline-separated list. */
export function splitList(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}

/** RFC 9700 §2.1 / RFC 8252 §7: absolute, no fragment, https except loopback. */
export function redirectURIProblem(value: string): Problem {
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

/** The first bad URI of a list, named, as the server words it. */
export function uriListProblem(
  text: string,
  options: { required?: boolean } = {},
): Problem {
  const uris = splitList(text);
  if (options.required && uris.length === 0) {
    return "at least one redirect URI is required for authorization_code";
  }
  for (const uri of uris) {
    const problem = redirectURIProblem(uri);
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

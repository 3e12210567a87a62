/**
 * The way into the protocol endpoints: form bodies (RFC 6749 §3.2 and
 * Appendix B: application/x-www-form-urlencoded, each parameter once) and
 * bearer tokens (RFC 6750 §2), read the same way everywhere.
 * @module
 */
import { BearerError, InvalidRequest } from "./errors.ts";

const FORM_TYPE = "application/x-www-form-urlencoded";
/** RFC 6750 §2.1: `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The request body's media type, lower case, without parameters. */
export function mediaType(req: Request): string {
  return (req.headers.get("Content-Type") ?? "").split(";")[0].trim()
    .toLowerCase();
}

/** The urlencoded form body, or null when the body is not one. */
export async function formBody(req: Request): Promise<URLSearchParams | null> {
  if (mediaType(req) !== FORM_TYPE) return null;
  return new URLSearchParams(await req.text());
}

/** RFC 8707 §2: "Multiple resource parameters MAY be used". */
const REPEATABLE = new Set(["resource"]);

/**
 * The form body of a token, revocation or introspection request: urlencoded
 * (RFC 6749 §3.2), each parameter once (§3.1: "Request and response
 * parameters MUST NOT be included more than once"), except `resource`.
 */
export async function parseForm(req: Request): Promise<URLSearchParams> {
  const form = await formBody(req);
  if (form === null) {
    throw new InvalidRequest(`the request body must be ${FORM_TYPE}`);
  }
  // forEach, not keys(): Deno's URLSearchParams iterators cost twice the
  // parse itself.
  const seen = new Set<string>();
  let repeated: string | null = null;
  form.forEach((_value, key) => {
    if (repeated === null && seen.has(key) && !REPEATABLE.has(key)) {
      repeated = key;
    }
    seen.add(key);
  });
  if (repeated !== null) {
    throw new InvalidRequest(`${repeated} must not be repeated`);
  }
  return form;
}

/**
 * Reads the bearer token of a protected-resource request, or null when none
 * was sent: the Authorization header (RFC 6750 §2.1) or, for POST, a form
 * body (§2.2); never the query string (§2.3 is optional and leaks tokens
 * into logs and Referer headers). §2: "Clients MUST NOT use more than one
 * method to transmit the token in each request."
 */
export async function readBearerToken(
  req: Request,
  realm: string,
): Promise<string | null> {
  const invalid = (description: string) =>
    new BearerError("invalid_request", description, { realm });
  if (new URL(req.url).searchParams.has("access_token")) {
    throw invalid(
      "access_token must be sent in the authorization header or a form body, not the query string",
    );
  }
  const tokens: string[] = [];
  const authorization = req.headers.get("Authorization");
  if (authorization !== null && /^bearer(\s|$)/i.test(authorization)) {
    const value = authorization.slice(6).trim();
    if (!B64TOKEN.test(value)) {
      throw invalid("authorization header must be 'Bearer <token>'");
    }
    tokens.push(value);
  }
  // RFC 6750 §2.2: the form-encoded body parameter is only for methods whose
  // body has defined semantics, and only for a single-part urlencoded body.
  const form = req.method === "POST" ? await formBody(req) : null;
  if (form !== null) {
    const values = form.getAll("access_token");
    if (values.length > 1) throw invalid("access_token must not be repeated");
    if (values.length === 1) tokens.push(values[0]);
  }
  if (tokens.length > 1) {
    throw invalid(
      "access token must be sent by one method only, not header and body",
    );
  }
  if (tokens.length === 0) return null;
  if (tokens[0] === "") throw invalid("access_token is empty");
  return tokens[0];
}

/**
 * The admin API as the CLI calls it: JSON over HTTP with `X-Admin-Token`,
 * no redirects followed, a time limit, and every failure turned into one
 * `APIError` carrying the server's `error_description`.
 * @module
 */
import { ADMIN_TOKEN_HEADER } from "../admin/admin_auth.ts";

/** How long one request may take before the CLI gives up. */
const TIMEOUT_MS = 30_000;

export interface FieldIssue {
  path: string;
  message: string;
}

/** The server refused, or could not be reached or understood (exit 1). */
export class APIError extends Error {
  override name = "APIError";
  constructor(
    message: string,
    readonly status: number | null = null,
    readonly code: string | null = null,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
  }
}

/**
 * The useful end of a fetch failure: Deno says "fetch failed" and puts
 * "error sending request for url (…): client error (Connect): tcp connect
 * error: Connection refused (os error 111)" in `cause`.
 */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: unknown })?.cause;
  const text = cause instanceof Error ? cause.message : String(
    (err as Error)?.message ?? err,
  );
  return text.split(": ").slice(-2).join(": ");
}

export interface APIAnswer {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
}

export interface AdminAPIOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:8000`. */
  url: string;
  token: string;
  fetch?: typeof fetch;
}

/**
 * A client for the admin JSON API (docs/admin_api.md, docs/openapi.json).
 * @example
 * const api = new AdminAPI({ url: "http://127.0.0.1:8000", token });
 * const clients = (await api.request("GET", "/admin/clients")).body;
 */
export class AdminAPI {
  readonly #url: string;
  readonly #token: string;
  readonly #fetch: typeof fetch;

  constructor(options: AdminAPIOptions) {
    this.#url = options.url.replace(/\/+$/, "");
    this.#token = options.token;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Sends one request; answers a 2xx, throws APIError for anything else. */
  async request(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<APIAnswer> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      [ADMIN_TOKEN_HEADER]: this.#token,
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let res: Response;
    try {
      res = await this.#fetch(`${this.#url}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      const why = err instanceof DOMException && err.name === "TimeoutError"
        ? `no answer within ${TIMEOUT_MS / 1000} s`
        : networkReason(err);
      throw new APIError(`cannot reach ${this.#url}: ${why}`);
    }
    const text = await res.text();
    // deno-lint-ignore no-explicit-any
    let json: any = null;
    try {
      json = text === "" ? null : JSON.parse(text);
    } catch {
      throw new APIError(
        `${method} ${path}: the server answered ${res.status} with a body ` +
          "that is not JSON (is the URL the authorization server?)",
        res.status,
      );
    }
    if (res.ok) return { status: res.status, body: json };
    const description = typeof json?.error_description === "string"
      ? json.error_description
      : `the server answered ${res.status}`;
    throw new APIError(
      description,
      res.status,
      typeof json?.error === "string" ? json.error : null,
      Array.isArray(json?.issues) ? json.issues : [],
    );
  }
}

/**
 * One plain HTTP error for non-OAuth failures (admin 404, 409, 401…), in the
 * manner of Hono's HTTPException. `message` is safe to show; `cause` is not.
 * @module
 */

export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    message: string,
    readonly options: {
      code?: string;
      details?: Record<string, unknown>;
      headers?: Record<string, string>;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
  }

  /** Machine-readable code for the JSON body. */
  get code(): string {
    return this.options.code ?? STATUS_CODES[this.status] ?? "error";
  }
}

const STATUS_CODES: Record<number, string> = {
  400: "invalid_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  405: "method_not_allowed",
  409: "conflict",
  413: "payload_too_large",
  415: "unsupported_media_type",
  429: "too_many_requests",
  503: "service_unavailable",
};

/**
 * The `Retry-After` header of a limited answer (RFC 9110 §10.2.3), or none
 * when `seconds` is not given: for the pages that pass headers along.
 */
export function retryAfterHeaders(
  seconds: number | undefined,
): Record<string, string> {
  return seconds ? { "Retry-After": String(seconds) } : {};
}

/**
 * OAuth 2.0 / OIDC errors (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1; OIDC Core
 * §3.1.2.6). Each subclass has a literal `code`, an HTTP `status`, a safe
 * `description` (lowercase, naming the parameter) and whether it may be
 * `redirectable` to the client. Internal detail goes in `cause`, never out.
 * @module
 */

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "invalid_scope"
  | "access_denied"
  | "server_error"
  | "temporarily_unavailable"
  | "invalid_token"
  | "insufficient_scope"
  | "login_required"
  | "consent_required"
  | "interaction_required"
  | "unsupported_token_type"
  | "slow_down"
  | "request_not_supported"
  | "request_uri_not_supported"
  | "invalid_target"
  | "invalid_client_metadata"
  | "invalid_redirect_uri";

export class OAuthError extends Error {
  readonly code: OAuthErrorCode = "invalid_request";
  readonly status: number = 400;
  /** False when the error must be shown on a page, not sent to redirect_uri. */
  readonly redirectable: boolean = true;
  readonly headers: Record<string, string> = {};

  constructor(readonly description: string, options?: { cause?: unknown }) {
    super(description, options);
    this.name = this.constructor.name;
  }

  /** The RFC 6749 §5.2 JSON body. */
  toJSON(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

export class InvalidRequest extends OAuthError {
  override readonly code = "invalid_request";
}

/** RFC 6749 §5.2: 401, with WWW-Authenticate when Basic was attempted. */
export class InvalidClient extends OAuthError {
  override readonly code = "invalid_client";
  override readonly status: number = 401;
  override readonly redirectable = false;
  constructor(
    description: string,
    options?: { cause?: unknown; basic?: boolean },
  ) {
    super(description, options);
    if (options?.basic) {
      this.headers["WWW-Authenticate"] = 'Basic realm="token", charset="UTF-8"';
    }
  }
}

/** Unknown client or unregistered redirect_uri at /authorize: never redirected. */
export class InvalidRedirectURI extends OAuthError {
  override readonly code = "invalid_request";
  override readonly redirectable = false;
}

/** A malformed authorization request answered 400 on a page, not redirected. */
export class UnredirectableRequest extends OAuthError {
  override readonly code = "invalid_request";
  override readonly redirectable = false;
}

export class RequestNotSupported extends OAuthError {
  override readonly code = "request_not_supported";
}

export class RequestURINotSupported extends OAuthError {
  override readonly code = "request_uri_not_supported";
}

/**
 * RFC 8707 §2: "the requested resource is invalid, missing, unknown, or
 * malformed" (or one this client may not use).
 */
export class InvalidTarget extends OAuthError {
  override readonly code = "invalid_target";
}

/** RFC 7591 §3.2.2: a registration's metadata is invalid. */
export class InvalidClientMetadata extends OAuthError {
  override readonly code = "invalid_client_metadata";
}

/** RFC 7591 §3.2.2: a registration's redirect_uris are invalid. */
export class InvalidRegistrationRedirectURI extends OAuthError {
  override readonly code = "invalid_redirect_uri";
}

export class InvalidGrant extends OAuthError {
  override readonly code = "invalid_grant";
}

export class UnauthorizedClient extends OAuthError {
  override readonly code = "unauthorized_client";
}

export class UnsupportedGrantType extends OAuthError {
  override readonly code = "unsupported_grant_type";
}

export class UnsupportedResponseType extends OAuthError {
  override readonly code = "unsupported_response_type";
}

export class InvalidScope extends OAuthError {
  override readonly code = "invalid_scope";
}

export class AccessDenied extends OAuthError {
  override readonly code = "access_denied";
  override readonly status: number = 403;
}

export class LoginRequired extends OAuthError {
  override readonly code = "login_required";
}

export class ConsentRequired extends OAuthError {
  override readonly code = "consent_required";
}

export class UnsupportedTokenType extends OAuthError {
  override readonly code = "unsupported_token_type";
}

export class TemporarilyUnavailable extends OAuthError {
  override readonly code = "temporarily_unavailable";
  override readonly status: number = 503;
}

/** Too many failures: 429 with Retry-After (RFC 6585), body as RFC 6749. */
export class SlowDown extends OAuthError {
  override readonly code = "slow_down";
  override readonly status: number = 429;
  constructor(description: string, retryAfter: number) {
    super(description);
    this.headers["Retry-After"] = String(retryAfter);
  }
}

/** RFC 6750 §3.1 errors for protected resources (userinfo). */
export class BearerError extends OAuthError {
  constructor(
    override readonly code:
      | "invalid_request"
      | "invalid_token"
      | "insufficient_scope",
    description: string,
    options: { scope?: string; realm?: string } = {},
  ) {
    super(description);
    const status = code === "invalid_request"
      ? 400
      : code === "invalid_token"
      ? 401
      : 403;
    Object.defineProperty(this, "status", { value: status });
    const parts = [`Bearer realm="${options.realm ?? "userinfo"}"`];
    parts.push(`error="${code}"`);
    parts.push(`error_description="${description.replace(/"/g, "'")}"`);
    if (options.scope) parts.push(`scope="${options.scope}"`);
    this.headers["WWW-Authenticate"] = parts.join(", ");
  }
}

/**
 * The protocol's vocabulary, stated once: grant types, response types and
 * modes, client authentication methods, PKCE methods, prompt values, signing
 * algorithms and client policy values, with the client invariants as pure
 * functions over them. Discovery, the token endpoint, client registration,
 * the admin API schemas, the admin islands and the help page all read it
 * from here. No imports: the admin islands run it in the browser.
 * @module
 */

/** What a grant type asks of the clients that use it. */
export interface GrantTypeRules {
  /**
   * Only clients that can keep a secret may use it (RFC 6749 §4.4.2:
   * client_credentials "MUST only be used by confidential clients").
   */
  confidentialOnly: boolean;
  /** It starts at /authorize, so the client needs a redirect URI. */
  redirects: boolean;
  /** One line for the admin UI and its help page. */
  summary: string;
}

/**
 * Every grant type the token endpoint answers, with its rules. A new grant
 * is an entry here and its handler in lib/oauth/grants/ (the registry in
 * grants/mod.ts does not compile until it has one for every entry).
 */
export const GRANT_TYPE_RULES = {
  authorization_code: {
    confidentialOnly: false,
    redirects: true,
    summary: "people sign in through the browser and the app exchanges a " +
      "one-time code for tokens (with PKCE).",
  },
  refresh_token: {
    confidentialOnly: false,
    redirects: false,
    summary: "the app renews access without asking again; each refresh " +
      "token works once and is replaced.",
  },
  client_credentials: {
    confidentialOnly: true,
    redirects: false,
    summary: "a confidential client acts on its own behalf, with no user. " +
      "Public clients cannot use it.",
  },
} as const satisfies Record<string, GrantTypeRules>;

export type GrantType = keyof typeof GRANT_TYPE_RULES;
export const GRANT_TYPES = Object.keys(GRANT_TYPE_RULES) as [
  GrantType,
  ...GrantType[],
];

/**
 * What a client registered without `grant_types` may use (RFC 7591 §2 says
 * authorization_code; we add refresh_token so offline_access works).
 */
export const DEFAULT_GRANT_TYPES: readonly GrantType[] = [
  "authorization_code",
  "refresh_token",
];

/** RFC 6749 §3.1.1: the one response type this server issues. */
export const RESPONSE_TYPES = ["code"] as const;
export type ResponseType = (typeof RESPONSE_TYPES)[number];

/** RFC 6749 §4.1.2 (query) and OAuth 2.0 Form Post Response Mode. */
export const RESPONSE_MODES = ["query", "form_post"] as const;
export type ResponseMode = (typeof RESPONSE_MODES)[number];

/**
 * RFC 6749 §2.3 / RFC 7591 §2: how a client authenticates at the token,
 * revocation and introspection endpoints; `none` is a public client.
 */
export const AUTH_METHODS = [
  "none",
  "client_secret_basic",
  "client_secret_post",
] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** One line per authentication method for the admin UI's help page. */
export const AUTH_METHOD_SUMMARIES: Record<AuthMethod, string> = {
  none: "public clients; only the client ID is sent.",
  client_secret_basic: "the ID and secret in an HTTP Basic Authorization " +
    "header (recommended).",
  client_secret_post: "the ID and secret as form fields in the request body.",
};

/** RFC 7636 §4.2: only S256; `plain` protects nothing (RFC 9700 §2.1.1). */
export const PKCE_METHODS = ["S256"] as const;

/**
 * OIDC Core §3.1.2.1: the prompt values the authorization endpoint takes,
 * and `create` (OpenID Connect Initiating User Registration 1.0), which it
 * takes only while self-registration is on (`promptValuesSupported`).
 */
export const PROMPT_VALUES = [
  "none",
  "login",
  "consent",
  "select_account",
  "create",
] as const;
export type Prompt = (typeof PROMPT_VALUES)[number];

/** The prompt values this server answers: `create` only when people may register. */
export function promptValuesSupported(
  registrationOpen: boolean,
): Prompt[] {
  return PROMPT_VALUES.filter((p) => p !== "create" || registrationOpen);
}

/** JWS algorithms we sign with; RS256 is what OIDC requires of every OP. */
export const SIGNING_ALGS = ["RS256", "ES256", "EdDSA"] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** When the consent screen is shown (per client policy). */
export const CONSENT_POLICIES = ["always", "once", "skip"] as const;
export type ConsentPolicy = (typeof CONSENT_POLICIES)[number];

/**
 * The longest refresh-token reuse grace window a client may have: long
 * enough for an app to retry a lost response, short enough that a stolen
 * token is still caught.
 */
export const MAX_REFRESH_REUSE_GRACE_SECONDS = 300;

/** Access tokens: opaque references or RFC 9068 JWTs. */
export const TOKEN_FORMATS = ["opaque", "jwt"] as const;
export type TokenFormat = (typeof TOKEN_FORMATS)[number];

/**
 * OIDC Dynamic Client Registration §2 `application_type`: a `web` client
 * redirects to https (or http on loopback, for development); a `native`
 * one to loopback (RFC 8252 §7.3) or a private-use scheme (§7.1).
 */
export const APPLICATION_TYPES = ["web", "native"] as const;
export type ApplicationType = (typeof APPLICATION_TYPES)[number];

/**
 * How a client came to be registered: by an admin, by itself through
 * RFC 7591 dynamic registration, or by its Client ID Metadata Document
 * (draft-ietf-oauth-client-id-metadata-document). The last two are not
 * vouched for by anyone here: they always get the consent screen.
 */
export const REGISTRATION_TYPES = [
  "admin",
  "dynamic",
  "metadata_document",
] as const;
export type RegistrationType = (typeof REGISTRATION_TYPES)[number];

/**
 * Who may register through RFC 7591 (per kind of client): nobody, holders
 * of an admin-issued initial access token (§3), or anyone.
 */
export const REGISTRATION_POLICIES = [
  "off",
  "initial-access-token",
  "open",
] as const;
export type RegistrationPolicy = (typeof REGISTRATION_POLICIES)[number];

/**
 * What is wrong with an RFC 8707 resource indicator, or null. §2: "The
 * value of the resource parameter MUST be an absolute URI ... The URI MUST
 * NOT include a fragment component."
 */
export function checkResourceIndicator(value: string): string | null {
  if (value.length > MAX_REDIRECT_URI_LENGTH) {
    return `must be at most ${MAX_REDIRECT_URI_LENGTH} characters`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URI";
  }
  if (url.hash || value.includes("#")) return "must not contain a fragment";
  if (/\s/.test(value)) return "must not contain whitespace";
  return null;
}

/** Whether clients of this authentication method hold no secret. */
export function isPublicAuthMethod(method: string): boolean {
  return method === "none";
}

/** Whether this method presents the client secret itself (RFC 6749 §2.3.1). */
export function isSecretAuthMethod(method: string): boolean {
  return method === "client_secret_basic" || method === "client_secret_post";
}

/** Whether a client authenticating with `method` may use `grantType`. */
export function grantAllowedFor(grantType: GrantType, method: string): boolean {
  return !(GRANT_TYPE_RULES[grantType].confidentialOnly &&
    isPublicAuthMethod(method));
}

/** The longest redirect or post-logout URI a client may register. */
export const MAX_REDIRECT_URI_LENGTH = 2000;

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Schemes no redirect may use, whatever their form: they run script, read
 * local files or stay inside the browser (RFC 9700 §4.1.3, RFC 8252 §8.4).
 */
const REFUSED_SCHEMES = new Set([
  "javascript",
  "data",
  "vbscript",
  "file",
  "about",
  "blob",
  "filesystem",
  "view-source",
  "chrome",
  "ws",
  "wss",
  "ftp",
]);

/**
 * What is wrong with a redirect (or post-logout redirect) URI, or null.
 * RFC 9700 §2.1 / RFC 8252 §7: absolute, no fragment, no wildcard; https;
 * http only on loopback (§7.3); or a private-use scheme in reverse-DNS
 * form (§7.1: "com.example.app:/oauth2redirect"). Script and local schemes
 * are refused.
 */
export function checkRedirectURI(value: string): string | null {
  if (value.length > MAX_REDIRECT_URI_LENGTH) {
    return `must be at most ${MAX_REDIRECT_URI_LENGTH} characters`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute URI";
  }
  if (url.hash || value.includes("#")) return "must not contain a fragment";
  if (value.includes("*")) return "must not contain wildcards";
  const scheme = url.protocol.slice(0, -1);
  if (scheme === "https") return null;
  if (scheme === "http") {
    return LOOPBACK.has(url.hostname)
      ? null
      : "http is allowed only for localhost/127.0.0.1; use https";
  }
  if (REFUSED_SCHEMES.has(scheme)) return "scheme is not allowed";
  // RFC 8252 §7.1: "a URI scheme based on a domain name under their
  // control, expressed in reverse order".
  if (!scheme.includes(".")) {
    return "private-use schemes must be in reverse-DNS form " +
      "(com.example.app:/callback)";
  }
  return null;
}

/** A loopback IP literal redirect with its port left out (RFC 8252 §7.3). */
const LOOPBACK_IP_URI =
  /^http:\/\/(127\.0\.0\.1|\[::1\])(?::\d{1,5})?(?=[/?]|$)/;

function withoutLoopbackPort(uri: string): string {
  return uri.replace(LOOPBACK_IP_URI, "http://$1");
}

/**
 * Whether `given` is one of the `registered` redirect URIs: by exact string
 * comparison (RFC 9700 §4.1.3), except that for loopback IP literals "the
 * authorization server MUST allow any port to be specified at the time of
 * the request" (RFC 8252 §7.3).
 */
export function redirectURIRegistered(
  registered: readonly string[],
  given: string,
): boolean {
  if (registered.includes(given)) return true;
  if (!LOOPBACK_IP_URI.test(given)) return false;
  const portless = withoutLoopbackPort(given);
  return registered.some((uri) =>
    LOOPBACK_IP_URI.test(uri) && withoutLoopbackPort(uri) === portless
  );
}

/** The parts of a client's registration its invariants speak about. */
export interface ClientShape {
  grantTypes: readonly string[];
  authMethod: string;
  redirectURIs: readonly string[];
  /** Left out where the policy is not being set (a client update). */
  requirePKCE?: boolean;
  /** OIDC DCR §2; left out (admin registrations): any redirect rule above. */
  applicationType?: ApplicationType;
}

/**
 * Which redirect URIs an application type may register (OIDC DCR §2):
 * "Native Clients MUST only register redirect_uris using custom URI
 * schemes or loopback URLs using the http scheme"; web clients use https,
 * or http on loopback for development, never a private-use scheme.
 */
export function redirectAllowedFor(
  applicationType: ApplicationType,
  uri: string,
): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  const loopbackHTTP = url.protocol === "http:" && LOOPBACK.has(url.hostname);
  if (applicationType === "native") {
    return loopbackHTTP ||
      (url.protocol !== "https:" && url.protocol !== "http:");
  }
  return url.protocol === "https:" || loopbackHTTP;
}

/** One broken invariant: the metadata field it names and a sentence. */
export interface MetadataIssue {
  path: string;
  message: string;
}

/**
 * The invariants every registered client keeps, whichever path registers
 * or edits it (admin API, admin UI, dev helper).
 */
export function checkClientMetadata(client: ClientShape): MetadataIssue[] {
  const issues: MetadataIssue[] = [];
  const redirecting = client.grantTypes.filter((g) =>
    GRANT_TYPE_RULES[g as GrantType]?.redirects
  );
  if (redirecting.length && client.redirectURIs.length === 0) {
    issues.push({
      path: "redirect_uris",
      message: `at least one redirect URI is required for ${redirecting[0]}`,
    });
  }
  const refused = client.grantTypes.filter((g) =>
    g in GRANT_TYPE_RULES && !grantAllowedFor(g as GrantType, client.authMethod)
  );
  if (refused.length) {
    issues.push({
      path: "grant_types",
      message: `public clients cannot use ${refused.join(" ")}`,
    });
  }
  if (client.applicationType) {
    const wrong = client.redirectURIs.filter((uri) =>
      !redirectAllowedFor(client.applicationType!, uri)
    );
    if (wrong.length) {
      issues.push({
        path: "redirect_uris",
        message: client.applicationType === "native"
          ? `native clients redirect to loopback http or a private-use scheme, not ${
            wrong[0]
          }`
          : `web clients redirect to https (or http on loopback), not ${
            wrong[0]
          }`,
      });
    }
  }
  // RFC 9700 §2.1.1 / OAuth 2.1: public clients MUST use PKCE.
  if (isPublicAuthMethod(client.authMethod) && client.requirePKCE === false) {
    issues.push({
      path: "require_pkce",
      message: "public clients must use PKCE",
    });
  }
  return issues;
}

/** RFC 6749 §3.3: a space-delimited list (scopes, grant types), no empties. */
export function splitList(value: string): string[] {
  return value.split(/\s+/).filter(Boolean);
}

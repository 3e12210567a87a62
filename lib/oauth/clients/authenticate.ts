/**
 * Client authentication at the token, revocation and introspection
 * endpoints (RFC 6749 §2.3): read what the request presents, load the
 * client, then let the presented method verify it. Each method is one
 * verifier in `METHODS`; a new method (a JWT assertion) is one more entry.
 * Secrets are compared as SHA-256 digests in constant time; each attempt
 * is counted before the comparison (lib/security/rate_limit.ts) per
 * source, per client from that source, and per client.
 * @module
 */
import type { Deps } from "../../deps.ts";
import { clientAuthCounters } from "../../security/budget_counters.ts";
import { sha256, timingSafeEqual } from "../../security/crypto.ts";
import { InvalidClient, InvalidRequest, SlowDown } from "../errors.ts";
import { type AuthMethod, isSecretAuthMethod } from "../vocabulary.ts";
import type { Client } from "./client.ts";
import { loadClient } from "./registry.ts";

/** What a request presents, before anything is checked. */
export interface ClientCredentials {
  clientID: string;
  secret: string | null;
  method: AuthMethod;
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function decodeFormComponent(value: string): string {
  // Most ids and secrets hold neither: nothing to decode.
  if (!value.includes("%") && !value.includes("+")) return value;
  return decodeURIComponent(value.replace(/\+/g, " "));
}

function malformedBasic(): InvalidClient {
  return new InvalidClient("malformed basic credentials", { basic: true });
}

/** RFC 7617 / RFC 6749 §2.3.1: `Basic base64(urlencode(id):urlencode(secret))`. */
function readBasic(authorization: string): { id: string; secret: string } {
  let decoded: string;
  try {
    decoded = atob(authorization.slice(6).trim());
  } catch {
    throw malformedBasic();
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) throw malformedBasic();
  try {
    return {
      id: decodeFormComponent(decoded.slice(0, colon)),
      secret: decodeFormComponent(decoded.slice(colon + 1)),
    };
  } catch {
    throw malformedBasic();
  }
}

/**
 * Reads the client's credentials from the Authorization header or the form
 * body. RFC 6749 §2.3: "The client MUST NOT use more than one
 * authentication method in each request."
 */
export function readClientCredentials(
  authorization: string | null,
  form: URLSearchParams,
): ClientCredentials {
  const bodyID = form.get("client_id");
  const bodySecret = form.get("client_secret");
  if (authorization !== null && /^basic\s/i.test(authorization)) {
    if (bodySecret !== null) {
      throw new InvalidRequest(
        "client authentication must use one method, not both basic and client_secret",
      );
    }
    const { id, secret } = readBasic(authorization);
    if (bodyID !== null && bodyID !== id) {
      throw new InvalidRequest(
        "client_id does not match the basic credentials",
      );
    }
    return { clientID: id, secret, method: "client_secret_basic" };
  }
  if (!bodyID) {
    throw new InvalidClient(
      "client authentication is required (client_id missing)",
    );
  }
  if (bodySecret !== null) {
    return {
      clientID: bodyID,
      secret: bodySecret,
      method: "client_secret_post",
    };
  }
  return { clientID: bodyID, secret: null, method: "none" };
}

/** Whether the presented credentials prove the client, for one method. */
type MethodVerifier = (client: Client, presented: ClientCredentials) => boolean;

/** RFC 6749 §2.3.1: the secret, compared by digest in constant time. */
function verifySecret(client: Client, presented: ClientCredentials): boolean {
  return presented.secret !== null && client.secretHash !== null &&
    timingSafeEqual(sha256(presented.secret), client.secretHash);
}

/** How each authentication method is verified. */
export const METHODS: Record<AuthMethod, MethodVerifier> = {
  /** RFC 6749 §2.1: a public client identifies itself and proves nothing. */
  none: (client, presented) => client.isPublic && presented.secret === null,
  client_secret_basic: verifySecret,
  client_secret_post: verifySecret,
};

export interface AuthenticateOptions {
  /**
   * Accept either way of presenting the secret (Basic or the form body)
   * from a client registered for one of them. The seed README shows both
   * for the same client at /revoke and /introspect; /token keeps to the
   * registered method (RFC 7591 §2 token_endpoint_auth_method).
   */
  eitherSecretMethod?: boolean;
}

/** Whether a confidential client may present its credentials this way. */
function methodAccepted(
  client: Client,
  method: AuthMethod,
  options: AuthenticateOptions,
): boolean {
  if (method === client.authMethod) return true;
  return options.eitherSecretMethod === true &&
    isSecretAuthMethod(method) && isSecretAuthMethod(client.authMethod);
}

/**
 * Why the presented credentials do not prove `client` (null: they do). A
 * public client that sends a secret fails its verifier.
 */
function credentialFailure(
  client: Client | null,
  creds: ClientCredentials,
  options: AuthenticateOptions,
): string | null {
  if (!client) return "client authentication failed";
  if (!client.isPublic && !methodAccepted(client, creds.method, options)) {
    return `client must authenticate with ${client.authMethod}`;
  }
  if (!METHODS[creds.method](client, creds)) {
    return "client authentication failed";
  }
  return null;
}

/**
 * Authenticates the calling client. Public clients identify themselves with
 * client_id alone; confidential clients use their registered method (or,
 * with `eitherSecretMethod`, either way of sending their secret).
 */
export async function authenticateClient(
  deps: Deps,
  authorization: string | null,
  form: URLSearchParams,
  ip: string | null,
  options: AuthenticateOptions = {},
): Promise<Client> {
  const creds = readClientCredentials(authorization, form);
  // Loaded first, so the attempt is in flight only around the comparison.
  const client = await loadClient(deps, creds.clientID);
  // Counted before the secret is checked, and settled in the same step
  // (lib/security/rate_limit.ts).
  const outcome = await deps.budgets.evaluate(
    clientAuthCounters(creds.clientID, ip),
    deps.now() * 1000,
    () => credentialFailure(client, creds, options),
  );
  if (!outcome.ok) {
    throw new SlowDown(
      "too many failed client authentications; retry later",
      outcome.retryAfter,
    );
  }
  if (outcome.failure !== null) {
    throw new InvalidClient(outcome.failure, {
      basic: creds.method === "client_secret_basic",
    });
  }
  return client!;
}

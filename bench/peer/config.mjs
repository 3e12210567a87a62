/**
 * node-oidc-provider's configuration for `deno task bench --peer
 * oidc-provider`: the same clients, scopes, claims, lifetimes and signing
 * algorithm as the bench gives our server (bench/setup.ts), with the
 * library's own in-memory adapter. Clients, users and secrets live in
 * clients.json, which the bench reads too.
 * @module
 */
import setup from "./clients.json" with { type: "json" };

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Our clients' metadata (lib/oauth/clients/metadata.ts) as oidc-provider's. */
function client(c) {
  const code = c.grant_types.includes("authorization_code");
  return {
    client_id: c.client_id,
    client_secret: c.client_secret,
    token_endpoint_auth_method: "client_secret_basic",
    grant_types: c.grant_types,
    response_types: code ? ["code"] : [],
    redirect_uris: code ? [setup.redirectURI] : [],
    id_token_signed_response_alg: c.id_token_signed_response_alg ?? "RS256",
  };
}

/**
 * @param {object} options
 * @param {object[]} options.keys private JWKs, RS256 first (the default)
 * @param {string[]} options.cookieKeys keys signing the cookies
 * @param {Function} options.findAccount (ctx, sub) => account
 */
export function configuration({ keys, cookieKeys, findAccount }) {
  return {
    clients: Object.values(setup.clients).map(client),
    // lib/oidc/default_scopes.ts
    scopes: ["openid", "offline_access", "profile", "email"],
    claims: {
      openid: ["sub"],
      email: ["email", "email_verified"],
      profile: [
        "name",
        "family_name",
        "given_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "updated_at",
      ],
    },
    findAccount,
    jwks: { keys },
    cookies: { keys: cookieKeys },
    interactions: {
      url: (_ctx, interaction) => `/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      // Ours (RFC 7662 §4): a client learns only about its own tokens.
      introspection: {
        enabled: true,
        allowedPolicy: (_ctx, client, token) =>
          token.clientId === client.clientId,
      },
      revocation: { enabled: true },
    },
    // Ours: PKCE required by default (policy require_pkce), S256 only.
    pkce: { required: () => true },
    // Ours rotates every refresh token on every use.
    rotateRefreshToken: true,
    // Ours: access tokens 1 h (client_credentials too), refresh tokens 30
    // days, ID tokens 1 h, codes 60 s (lib/oauth/clients/metadata.ts,
    // lib/oidc/id_token.ts).
    ttl: {
      AccessToken: HOUR,
      ClientCredentials: HOUR,
      RefreshToken: 30 * DAY,
      IdToken: HOUR,
      AuthorizationCode: 60,
      Interaction: HOUR,
      Session: 14 * DAY,
      Grant: 30 * DAY,
    },
    // Our paths, so one set of requests fits both servers.
    routes: {
      authorization: "/authorize",
      jwks: "/.well-known/jwks.json",
      introspection: "/introspect",
      revocation: "/revoke",
      userinfo: "/userinfo",
      end_session: "/logout",
    },
  };
}

/**
 * Demo data for GET /dev/seed: users alice/alice and bob/bob, and the public
 * client `demo-web` with the policy of the seed README's Admin API example.
 * Idempotent: what exists is left as it is.
 * @module
 */
import { findClientWithPolicy } from "../db/clients.ts";
import { findUserByCanonicalUsername } from "../db/users.ts";
import type { Deps } from "../deps.ts";
import { ClientMetadata } from "../oauth/clients/metadata.ts";
import { registerClient } from "../oauth/clients/registry.ts";
import { DEFAULT_GRANT_TYPES } from "../oauth/vocabulary.ts";
import { createUser } from "../users.ts";
import { canonicalUsername } from "../username.ts";

const DEMO_USERS = [
  {
    username: "alice",
    password: "alice",
    email: "alice@example.com",
    claims: {
      name: "Alice Liddell",
      given_name: "Alice",
      family_name: "Liddell",
    },
  },
  {
    username: "bob",
    password: "bob",
    email: "bob@example.com",
    claims: { name: "Bob Builder", given_name: "Bob", family_name: "Builder" },
  },
];

export const DEMO_CLIENT = ClientMetadata.parse({
  client_id: "demo-web",
  client_name: "Demo Web App",
  redirect_uris: ["http://localhost:3000/callback"],
  grant_types: [...DEFAULT_GRANT_TYPES],
  response_types: ["code"],
  scope: "openid profile email offline_access",
  token_endpoint_auth_method: "none",
  require_consent: true,
  post_logout_redirect_uris: ["http://localhost:3000/"],
  require_pkce: true,
  consent_policy: "once",
  access_token_lifetime: 3600,
  refresh_token_ttl_days: 30,
  token_format: "opaque",
});

export interface SeedResult {
  users: { username: string; created: boolean }[];
  clients: { client_id: string; created: boolean }[];
}

export async function seedDemoData(deps: Deps): Promise<SeedResult> {
  const now = deps.now();
  const users: SeedResult["users"] = [];
  for (const u of DEMO_USERS) {
    const exists = await findUserByCanonicalUsername(
      deps.db,
      canonicalUsername(u.username),
    );
    if (!exists) {
      await createUser(deps.db, {
        username: u.username,
        password: u.password,
        email: u.email,
        emailVerified: true,
        claims: u.claims,
      }, now);
    }
    users.push({ username: u.username, created: !exists });
  }
  const exists = await findClientWithPolicy(deps.db, DEMO_CLIENT.client_id!);
  if (!exists) await registerClient(deps.db, DEMO_CLIENT, now);
  return {
    users,
    clients: [{ client_id: DEMO_CLIENT.client_id!, created: !exists }],
  };
}

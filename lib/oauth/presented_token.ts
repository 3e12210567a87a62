/**
 * The shared front half of /revoke (RFC 7009 §2.1) and /introspect
 * (RFC 7662 §2.1): a form body, an authenticated client, a required `token`,
 * found whatever its type (`token_type_hint` only orders the search).
 * @module
 */
import type { Deps } from "../deps.ts";
import { authenticateClient } from "./clients/authenticate.ts";
import type { Client } from "./clients/client.ts";
import { InvalidRequest } from "./errors.ts";
import { parseForm } from "./request.ts";
import { findToken, type FoundToken } from "./tokens/lookup.ts";

export interface PresentedToken {
  client: Client;
  /** The presented token value. */
  token: string;
  found: FoundToken | null;
}

/** Reads and authenticates a revocation or introspection request. */
export async function readPresentedToken(
  deps: Deps,
  req: Request,
  ip: string | null,
): Promise<PresentedToken> {
  const form = await parseForm(req);
  const client = await authenticateClient(
    deps,
    req.headers.get("Authorization"),
    form,
    ip,
    { eitherSecretMethod: true },
  );
  const token = form.get("token");
  if (!token) throw new InvalidRequest("token is required");
  const found = await findToken(deps.db, token, form.get("token_type_hint"));
  return { client, token, found };
}

/**
 * POST /dev/create_client: registers a client from JSON metadata in one
 * step (the seed's quick helper), answering it with its secret once.
 * @module
 */
import { findClientWithPolicy } from "../db/clients.ts";
import type { DB } from "../db/schema.ts";
import { HttpError } from "../http/http_error.ts";
import { parseWith } from "../http/json_body.ts";
import { ClientMetadata } from "../oauth/clients/metadata.ts";
import {
  registerClient,
  type RegisteredClient,
} from "../oauth/clients/registry.ts";

/** Validates JSON client metadata and registers it (409 if the id is taken). */
export async function createClientFromJSON(
  db: DB,
  body: unknown,
  now: number,
): Promise<RegisteredClient> {
  const metadata = parseWith(ClientMetadata, body);
  if (
    metadata.client_id && await findClientWithPolicy(db, metadata.client_id)
  ) {
    throw new HttpError(409, `client ${metadata.client_id} already exists`);
  }
  return await registerClient(db, metadata, now);
}

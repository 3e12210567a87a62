/** clients and client_policies: registered applications and their rules. */
import { type Insertable, sql, SqliteAdapter, type Updateable } from "kysely";
import type {
  ClientPoliciesTable,
  ClientPolicyRow,
  ClientRow,
  ClientsTable,
  DB,
} from "./schema.ts";
import { bumpConfigVersion, configCache } from "./config_cache.ts";

export interface ClientWithPolicy {
  client: ClientRow;
  policy: ClientPolicyRow;
}

export interface FindClientOptions {
  /**
   * Lock both rows until the transaction `db` ends (PostgreSQL `FOR
   * UPDATE`), for a check-then-write: two admin edits that are each valid
   * alone but not together (default_scopes outside allowed_scopes, a public
   * client without PKCE) then run one after the other instead of both
   * passing their checks against the same old rows. SQLite needs no lock:
   * it has one writer at a time, and a transaction that read rows another
   * connection has since changed cannot write (SQLITE_BUSY_SNAPSHOT).
   */
  forUpdate?: boolean;
  /** Read the rows, not the cache (admin reads: never from a cache). */
  fresh?: boolean;
}

/**
 * A client and its policy, from the configuration cache when outside a
 * transaction (see config_cache.ts) unless `fresh`; unknown ids are cached
 * as unknown too.
 */
export async function findClientWithPolicy(
  db: DB,
  clientID: string,
  options: FindClientOptions = {},
): Promise<ClientWithPolicy | undefined> {
  const cache = options.forUpdate || options.fresh
    ? null
    : await configCache(db);
  if (cache?.clients.has(clientID)) {
    return cache.clients.get(clientID) ?? undefined;
  }
  const found = await readClientWithPolicy(db, clientID, options);
  cache?.clients.set(clientID, found ?? null);
  return found;
}

async function readClientWithPolicy(
  db: DB,
  clientID: string,
  options: FindClientOptions,
): Promise<ClientWithPolicy | undefined> {
  const lock = options.forUpdate === true &&
    !(db.getExecutor().adapter instanceof SqliteAdapter);
  const clientQuery = db.selectFrom("clients").selectAll()
    .where("client_id", "=", clientID);
  const client = await (lock ? clientQuery.forUpdate() : clientQuery)
    .executeTakeFirst();
  if (!client) return undefined;
  const policyQuery = db.selectFrom("client_policies").selectAll()
    .where("client_id", "=", clientID);
  const policy = await (lock ? policyQuery.forUpdate() : policyQuery)
    .executeTakeFirst();
  if (!policy) return undefined;
  return { client, policy };
}

export async function listClients(db: DB): Promise<ClientRow[]> {
  return await db.selectFrom("clients").selectAll().orderBy("client_id")
    .execute();
}

export async function listPolicies(db: DB): Promise<ClientPolicyRow[]> {
  return await db.selectFrom("client_policies").selectAll().execute();
}

/** Escapes LIKE's wildcards, with backslash as the ESCAPE character. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * The clients whose policy registers exactly `uri` as a
 * post_logout_redirect_uri. LIKE narrows the rows (case-insensitive on
 * SQLite, so a superset); the exact, case-sensitive match is made here.
 */
export async function findClientIDsByPostLogoutRedirectURI(
  db: DB,
  uri: string,
): Promise<string[]> {
  const pattern = `%${escapeLike(JSON.stringify(uri))}%`;
  const rows = await db.selectFrom("client_policies")
    .select(["client_id", "post_logout_redirect_uris"])
    .where(sql<boolean>`post_logout_redirect_uris like ${pattern} escape '\\'`)
    .execute();
  return rows.filter((row) =>
    (JSON.parse(row.post_logout_redirect_uris) as string[]).includes(uri)
  ).map((row) => row.client_id);
}

export async function insertClient(
  db: DB,
  client: Insertable<ClientsTable>,
  policy: Insertable<ClientPoliciesTable>,
): Promise<void> {
  await db.insertInto("clients").values(client).execute();
  await db.insertInto("client_policies").values(policy).execute();
  await bumpConfigVersion(db);
}

export async function updateClient(
  db: DB,
  clientID: string,
  values: Updateable<ClientsTable>,
): Promise<boolean> {
  const r = await db.updateTable("clients").set(values)
    .where("client_id", "=", clientID).executeTakeFirst();
  await bumpConfigVersion(db);
  return Number(r.numUpdatedRows) === 1;
}

export async function updatePolicy(
  db: DB,
  clientID: string,
  values: Updateable<ClientPoliciesTable>,
): Promise<boolean> {
  const r = await db.updateTable("client_policies").set(values)
    .where("client_id", "=", clientID).executeTakeFirst();
  await bumpConfigVersion(db);
  return Number(r.numUpdatedRows) === 1;
}

export async function deleteClient(db: DB, clientID: string): Promise<boolean> {
  const r = await db.deleteFrom("clients").where("client_id", "=", clientID)
    .executeTakeFirst();
  await bumpConfigVersion(db);
  return Number(r.numDeletedRows) === 1;
}

/**
 * The clients whose policy lists `scope` in allowed_scopes or default_scopes.
 * LIKE narrows the rows; the exact match on whole list items is made here.
 */
export async function findClientIDsUsingScope(
  db: DB,
  scope: string,
): Promise<string[]> {
  const pattern = `%${escapeLike(scope)}%`;
  const rows = await db.selectFrom("client_policies")
    .select(["client_id", "allowed_scopes", "default_scopes"])
    .where((eb) =>
      eb.or([
        sql<boolean>`allowed_scopes like ${pattern} escape '\\'`,
        sql<boolean>`default_scopes like ${pattern} escape '\\'`,
      ])
    )
    .orderBy("client_id")
    .execute();
  return rows.filter((row) =>
    `${row.allowed_scopes} ${row.default_scopes}`.split(/\s+/)
      .includes(scope)
  ).map((row) => row.client_id);
}

/**
 * Writes the rows of a client fetched from its metadata document: updates
 * them when it is known (its `disabled` flag is kept), else inserts them
 * with the default policy values; a concurrent insert of the same id by
 * another thread is left to win. Call in a transaction.
 */
export async function upsertFetchedClient(
  db: DB,
  clientID: string,
  client: Omit<Insertable<ClientsTable>, "client_id" | "created_at">,
  policy: Omit<
    Insertable<ClientPoliciesTable>,
    | "client_id"
    | "access_token_lifetime"
    | "refresh_token_ttl_days"
    | "token_format"
    | "id_token_signed_response_alg"
    | "refresh_reuse_grace_seconds"
  >,
  now: number,
): Promise<void> {
  const existing = await db.selectFrom("clients").select("client_id")
    .where("client_id", "=", clientID).executeTakeFirst();
  if (existing) {
    await db.updateTable("clients").set(client)
      .where("client_id", "=", clientID).execute();
    await db.updateTable("client_policies").set(policy)
      .where("client_id", "=", clientID).execute();
  } else {
    await db.insertInto("clients").values({
      client_id: clientID,
      ...client,
      created_at: now,
    }).onConflict((oc) => oc.column("client_id").doNothing()).execute();
    await db.insertInto("client_policies").values({
      client_id: clientID,
      ...policy,
      access_token_lifetime: 3600,
      refresh_token_ttl_days: 30,
      token_format: "opaque",
      id_token_signed_response_alg: "RS256",
      refresh_reuse_grace_seconds: 0,
    }).onConflict((oc) => oc.column("client_id").doNothing()).execute();
  }
  await bumpConfigVersion(db);
}

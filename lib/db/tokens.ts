/**
 * access_tokens and refresh_tokens: stored by SHA-256 only. A grant id ties
 * together the code and every token issued from it, so a replayed code or a
 * reused refresh token revokes the whole family in one statement each.
 * @module
 */
import { type Insertable, type QueryCreator, sql } from "kysely";
import type {
  AccessTokenRow,
  AccessTokensTable,
  Database,
  DB,
  RefreshTokenRow,
  RefreshTokensTable,
  UserRow,
} from "./schema.ts";
import { type BoundStatement, prepared } from "./prepared.ts";
import { directPostgres } from "./pg_direct.ts";
import { batchedLookup, postgresCompiler } from "./pg_batch.ts";
import { insertTokenBatched, rotateBatched } from "./pg_token_writes.ts";
import { directSQLite } from "./sqlite_dialect.ts";
import {
  ACCESS_TOKEN_COLUMNS,
  REFRESH_TOKEN_COLUMNS,
  USER_COLUMNS,
} from "./schema.ts";

/** `= any($1::text[])`: the keys of a batched lookup (lib/db/pg_batch.ts). */
const anyOfKeys = () => sql<string>`any(${[]}::text[])`;

/**
 * An INSERT of every column of `table`, compiled once (lib/db/prepared.ts):
 * tokens are written on every token request.
 */
function preparedInsert<T extends "access_tokens" | "refresh_tokens">(
  table: T,
  columns: readonly (keyof Database[T] & string)[],
): {
  (db: DB, row: Insertable<Database[T]>): Promise<void>;
  bind(db: DB, row: Insertable<Database[T]>): BoundStatement;
} {
  const insert = prepared(
    (db, ...values: unknown[]) =>
      db.insertInto(table).values(
        Object.fromEntries(columns.map((c, i) => [c, values[i]])) as never,
      ),
    { groupCommit: true },
  );
  const values = (row: Insertable<Database[T]>) => {
    const record = row as Record<string, unknown>;
    return columns.map((c) => record[c] ?? null);
  };
  return Object.assign(
    async (db: DB, row: Insertable<Database[T]>) => {
      const pool = db.isTransaction ? undefined : directPostgres(db);
      if (pool) return await insertTokenBatched(pool, table, row);
      await insert(db, ...values(row));
    },
    {
      bind: (db: DB, row: Insertable<Database[T]>) =>
        insert.bind(db, ...values(row)),
    },
  );
}

export const insertAccessToken = preparedInsert(
  "access_tokens",
  ACCESS_TOKEN_COLUMNS,
);

export const insertRefreshToken = preparedInsert(
  "refresh_tokens",
  REFRESH_TOKEN_COLUMNS,
);

const selectAccessToken = prepared((db, tokenHash: string) =>
  db.selectFrom("access_tokens").select(ACCESS_TOKEN_COLUMNS)
    .where("token_hash", "=", tokenHash)
);

export async function findAccessToken(
  db: DB,
  tokenHash: string,
): Promise<AccessTokenRow | undefined> {
  return (await selectAccessToken(db, tokenHash))[0];
}

/** What userinfo and introspection read of a token's user (no password). */
export type TokenUser = Pick<
  UserRow,
  | "id"
  | "username"
  | "email"
  | "email_verified"
  | "claims"
  | "disabled"
  | "updated_at"
>;

/** Access tokens with their users' columns (`u_*`), to be narrowed down. */
const accessTokensWithUsers = (db: DB) =>
  db.selectFrom("access_tokens")
    .leftJoin("users", "users.id", "access_tokens.user_id")
    .select(ACCESS_TOKEN_COLUMNS.map((c) => `access_tokens.${c}` as const))
    .select([
      "users.id as u_id",
      "users.username as u_username",
      "users.email as u_email",
      "users.email_verified as u_email_verified",
      "users.claims as u_claims",
      "users.disabled as u_disabled",
      "users.updated_at as u_updated_at",
    ]);

const selectAccessTokenAndUser = prepared((db, tokenHash: string) =>
  accessTokensWithUsers(db).where("access_tokens.token_hash", "=", tokenHash)
);

/**
 * On PostgreSQL: the turn's lookups in one statement (lib/db/pg_batch.ts),
 * sent when none is out rather than on the timer: userinfo and
 * introspection wait for nothing else.
 */
const lookupAccessTokenAndUser = batchedLookup<
  Awaited<ReturnType<typeof selectAccessTokenAndUser>>[number]
>(
  "oauth_batch_access_token_and_user",
  accessTokensWithUsers(postgresCompiler)
    .where("access_tokens.token_hash", "=", anyOfKeys()).compile().sql,
  (row) => row.token_hash,
  "idle",
);

/**
 * An access token with its user in one statement (userinfo and
 * introspection need both; on SQLite each statement is a read transaction
 * of its own, ~8 us). `user` is null for a client's own token and for a
 * user who no longer exists.
 */
export async function findAccessTokenAndUser(
  db: DB,
  tokenHash: string,
): Promise<{ row: AccessTokenRow; user: TokenUser | null } | undefined> {
  const pool = db.isTransaction ? undefined : directPostgres(db);
  const found = pool
    ? await lookupAccessTokenAndUser.run(pool, tokenHash)
    : (await selectAccessTokenAndUser(db, tokenHash))[0];
  if (!found) return undefined;
  // Built field by field: an object rest (`...row`) costs more than the
  // query on this path.
  const row: AccessTokenRow = {
    token_hash: found.token_hash,
    grant_id: found.grant_id,
    client_id: found.client_id,
    user_id: found.user_id,
    scope: found.scope,
    jti: found.jti,
    expires_at: found.expires_at,
    revoked_at: found.revoked_at,
    created_at: found.created_at,
    session_id: found.session_id,
    resources: found.resources,
  };
  const user = found.u_id === null ? null : {
    id: found.u_id,
    username: found.u_username!,
    email: found.u_email,
    email_verified: found.u_email_verified!,
    claims: found.u_claims!,
    disabled: found.u_disabled!,
    updated_at: found.u_updated_at!,
  };
  return { row, user };
}

const selectRefreshToken = prepared((db, tokenHash: string) =>
  db.selectFrom("refresh_tokens").select(REFRESH_TOKEN_COLUMNS).where(
    "token_hash",
    "=",
    tokenHash,
  )
);

export async function findRefreshToken(
  db: DB,
  tokenHash: string,
): Promise<RefreshTokenRow | undefined> {
  return (await selectRefreshToken(db, tokenHash))[0];
}

/** Refresh tokens with their users' columns (`u_*`), to be narrowed down. */
const refreshTokensWithUsers = (db: DB) =>
  db.selectFrom("refresh_tokens")
    .leftJoin("users", "users.id", "refresh_tokens.user_id")
    .select(REFRESH_TOKEN_COLUMNS.map((c) => `refresh_tokens.${c}` as const))
    .select(USER_COLUMNS.map((c) => `users.${c} as u_${c}` as never));

const selectRefreshTokenAndUser = prepared((db, tokenHash: string) =>
  refreshTokensWithUsers(db).where("refresh_tokens.token_hash", "=", tokenHash)
);

/**
 * On PostgreSQL: the turn's lookups in one statement (lib/db/pg_batch.ts),
 * on the timer: with it and the rotation statement sent when none is out,
 * rotations went 1,300-2,600 -> 980-2,100/s at up to 3x the PostgreSQL CPU
 * each (docs/performance.md).
 */
const lookupRefreshTokenAndUser = batchedLookup<Record<string, unknown>>(
  "oauth_batch_refresh_token_and_user",
  refreshTokensWithUsers(postgresCompiler)
    .where("refresh_tokens.token_hash", "=", anyOfKeys()).compile().sql,
  (row) => row.token_hash as string,
);

/**
 * A refresh token with its user in one statement (one round trip on
 * PostgreSQL): a rotation needs both. `user` is null when the user no
 * longer exists.
 */
export async function findRefreshTokenAndUser(
  db: DB,
  tokenHash: string,
): Promise<{ row: RefreshTokenRow; user: UserRow | null } | undefined> {
  const pool = db.isTransaction ? undefined : directPostgres(db);
  const found = pool
    ? await lookupRefreshTokenAndUser.run(pool, tokenHash)
    : (await selectRefreshTokenAndUser(db, tokenHash) as Record<
      string,
      unknown
    >[])[0];
  if (!found) return undefined;
  const row = Object.fromEntries(
    REFRESH_TOKEN_COLUMNS.map((c) => [c, found[c]]),
  ) as unknown as RefreshTokenRow;
  const user = found.u_id === null ? null : Object.fromEntries(
    USER_COLUMNS.map((c) => [c, found[`u_${c}`]]),
  ) as unknown as UserRow;
  return { row, user };
}

/** Batch sizes of the PostgreSQL lookups, for tests. */
export const lookupBatchStats = {
  accessTokenAndUser: () => lookupAccessTokenAndUser.stats,
  refreshTokenAndUser: () => lookupRefreshTokenAndUser.stats,
};

/**
 * Marks a live refresh token rotated, keeping the sealed successor for the
 * reuse grace window (or null), in one statement: of concurrent refreshes
 * with the same token exactly one gets the row.
 * PostgreSQL's batched rotation (lib/db/pg_token_writes.ts) states the same
 * conditions for a token still live in its UPDATE: change both together.
 */
function retireRefreshToken(
  q: QueryCreator<Database>,
  tokenHash: string,
  now: number,
  successor: string | null,
  successorUntil: number | null,
) {
  return q.updateTable("refresh_tokens")
    .set({ consumed_at: now, successor, successor_until: successorUntil })
    .where("token_hash", "=", tokenHash)
    .where("consumed_at", "is", null)
    .where("revoked_at", "is", null)
    .where("expires_at", ">", now)
    .returning("token_hash");
}

const updateRotateRefreshToken = prepared(retireRefreshToken);

/** One refresh token rotation: the token retired and what replaces it. */
export interface Rotation {
  tokenHash: string;
  now: number;
  /** The sealed token response answered again within the grace window. */
  successor: string | null;
  successorUntil: number | null;
  accessToken: Insertable<AccessTokensTable>;
  refreshToken: Insertable<RefreshTokensTable> | null;
}

/**
 * Retires a live refresh token and stores the tokens that replace it, all
 * or nothing; false (and nothing stored) when the token was no longer live
 * because a concurrent rotation took it. On SQLite the three statements
 * are one grouped transaction (lib/db/group_commit.ts), committed with the
 * other writes of this turn; on PostgreSQL the turn's rotations are one
 * statement (lib/db/pg_token_writes.ts).
 */
export async function rotateRefreshToken(
  db: DB,
  rotation: Rotation,
): Promise<boolean> {
  const { tokenHash, now, successor, successorUntil } = rotation;
  const pool = db.isTransaction ? undefined : directPostgres(db);
  if (pool) return await rotateBatched(pool, rotation);
  const direct = db.isTransaction ? undefined : directSQLite(db);
  if (direct) {
    const retire = updateRotateRefreshToken.bind(
      db,
      tokenHash,
      now,
      successor,
      successorUntil,
    );
    const stores: BoundStatement[] = [
      insertAccessToken.bind(db, rotation.accessToken),
    ];
    if (rotation.refreshToken) {
      stores.push(insertRefreshToken.bind(db, rotation.refreshToken));
    }
    return await direct.transactionGrouped((run) => {
      const retired = run(retire.sql, retire.parameters) as unknown[];
      if (retired.length === 0) return false;
      for (const store of stores) run(store.sql, store.parameters);
      return true;
    });
  }
  // Elsewhere (no direct path, or inside the caller's transaction, which
  // then keeps the statements together): the same statements, in a
  // transaction of their own unless one is open.
  const retireAndStore = async (trx: DB): Promise<boolean> => {
    const retired = await updateRotateRefreshToken(
      trx,
      tokenHash,
      now,
      successor,
      successorUntil,
    );
    if (retired.length === 0) return false;
    await insertAccessToken(trx, rotation.accessToken);
    if (rotation.refreshToken) {
      await insertRefreshToken(trx, rotation.refreshToken);
    }
    return true;
  };
  if (db.isTransaction) return await retireAndStore(db);
  return await db.transaction().execute(retireAndStore);
}

/**
 * Revokes the tokens a client was issued in one sign-in session (logout
 * naming that session).
 */
export async function revokeSessionClientTokens(
  db: DB,
  sessionID: string,
  clientID: string,
  now: number,
): Promise<void> {
  for (const table of ["access_tokens", "refresh_tokens"] as const) {
    await db.updateTable(table).set({ revoked_at: now })
      .where("session_id", "=", sessionID).where("client_id", "=", clientID)
      .where("revoked_at", "is", null).execute();
  }
}

/** Revokes every live token of a grant (code replay, refresh reuse). */
export async function revokeGrant(
  db: DB,
  grantID: string,
  now: number,
): Promise<void> {
  await db.updateTable("access_tokens").set({ revoked_at: now })
    .where("grant_id", "=", grantID).where("revoked_at", "is", null).execute();
  await db.updateTable("refresh_tokens").set({ revoked_at: now })
    .where("grant_id", "=", grantID).where("revoked_at", "is", null).execute();
}

export async function revokeAccessToken(
  db: DB,
  tokenHash: string,
  now: number,
): Promise<void> {
  await db.updateTable("access_tokens").set({ revoked_at: now })
    .where("token_hash", "=", tokenHash).where("revoked_at", "is", null)
    .execute();
}

/** Revokes every token a user holds for a client (logout). */
export async function revokeUserClientTokens(
  db: DB,
  userID: string,
  clientID: string,
  now: number,
): Promise<void> {
  await db.updateTable("access_tokens").set({ revoked_at: now })
    .where("user_id", "=", userID).where("client_id", "=", clientID)
    .where("revoked_at", "is", null).execute();
  await db.updateTable("refresh_tokens").set({ revoked_at: now })
    .where("user_id", "=", userID).where("client_id", "=", clientID)
    .where("revoked_at", "is", null).execute();
}

export async function deleteExpiredTokens(
  db: DB,
  before: number,
): Promise<void> {
  await db.deleteFrom("access_tokens").where("expires_at", "<", before)
    .execute();
  await db.deleteFrom("refresh_tokens").where("expires_at", "<", before)
    .execute();
}

/** Revokes every live token a user holds, for every client. */
export async function revokeUserTokens(
  db: DB,
  userID: string,
  now: number,
): Promise<void> {
  await db.updateTable("access_tokens").set({ revoked_at: now })
    .where("user_id", "=", userID).where("revoked_at", "is", null).execute();
  await db.updateTable("refresh_tokens").set({ revoked_at: now })
    .where("user_id", "=", userID).where("revoked_at", "is", null).execute();
}

/**
 * Revokes every live token a user holds except those issued in one
 * sign-in session (a password change keeps the session that made it).
 */
export async function revokeUserTokensOutsideSession(
  db: DB,
  userID: string,
  sessionID: string,
  now: number,
): Promise<void> {
  for (const table of ["access_tokens", "refresh_tokens"] as const) {
    await db.updateTable(table).set({ revoked_at: now })
      .where("user_id", "=", userID).where("revoked_at", "is", null)
      .where((eb) =>
        eb.or([
          eb("session_id", "is", null),
          eb("session_id", "!=", sessionID),
        ])
      ).execute();
  }
}

/** Revokes every live token issued in one sign-in session (it was ended). */
export async function revokeSessionTokens(
  db: DB,
  sessionID: string,
  now: number,
): Promise<void> {
  for (const table of ["access_tokens", "refresh_tokens"] as const) {
    await db.updateTable(table).set({ revoked_at: now })
      .where("session_id", "=", sessionID).where("revoked_at", "is", null)
      .execute();
  }
}

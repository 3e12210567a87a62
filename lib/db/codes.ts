/** authorization_codes: stored by SHA-256, single use. */
import type { Insertable } from "kysely";
import type {
  AuthorizationCodeRow,
  AuthorizationCodesTable,
  DB,
} from "./schema.ts";
import { prepared } from "./prepared.ts";
import { CODE_COLUMNS } from "./schema.ts";

export async function insertCode(
  db: DB,
  row: Insertable<AuthorizationCodesTable>,
): Promise<void> {
  await db.insertInto("authorization_codes").values(row).execute();
}

/**
 * Marks the code used and returns it, in one statement: of two concurrent
 * exchanges exactly one gets the row. Only the client the code was issued to
 * consumes it; for any other client the row is left as it was.
 */
const updateConsumeCode = prepared((
  db,
  codeHash: string,
  clientID: string,
  now: number,
) =>
  db.updateTable("authorization_codes")
    .set({ consumed_at: now })
    .where("code_hash", "=", codeHash).where("client_id", "=", clientID)
    .where("consumed_at", "is", null)
    .returning(CODE_COLUMNS)
);

export async function consumeCode(
  db: DB,
  codeHash: string,
  clientID: string,
  now: number,
): Promise<AuthorizationCodeRow | undefined> {
  return (await updateConsumeCode(db, codeHash, clientID, now))[0];
}

const selectCode = prepared((db, codeHash: string) =>
  db.selectFrom("authorization_codes").select(CODE_COLUMNS)
    .where("code_hash", "=", codeHash)
);

export async function findCode(
  db: DB,
  codeHash: string,
): Promise<AuthorizationCodeRow | undefined> {
  return (await selectCode(db, codeHash))[0];
}

export async function deleteExpiredCodes(
  db: DB,
  before: number,
): Promise<number> {
  const r = await db.deleteFrom("authorization_codes")
    .where("expires_at", "<", before).executeTakeFirst();
  return Number(r.numDeletedRows);
}

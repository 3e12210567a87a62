/**
 * Storing minted tokens: their rows, in the transaction the grant owns (or,
 * for a lone access token, one statement that is atomic by itself).
 * @module
 */
import { insertAccessToken, insertRefreshToken } from "../../db/tokens.ts";
import type { DB } from "../../db/schema.ts";
import type { MintedTokens } from "./mint.ts";

/** Inserts the minted rows; opens no transaction of its own. */
export async function storeTokens(db: DB, minted: MintedTokens): Promise<void> {
  await insertAccessToken(db, minted.accessToken);
  if (minted.refreshToken) await insertRefreshToken(db, minted.refreshToken);
}

/** users: accounts people sign in with. */
import { sql } from "kysely";
import type { DB, NewUser, UserRow, UserUpdate } from "./schema.ts";
import { prepared } from "./prepared.ts";
import { USER_COLUMNS } from "./schema.ts";

/** The user whose canonical username (lib/username.ts) is `canonical`. */
export async function findUserByCanonicalUsername(
  db: DB,
  canonical: string,
): Promise<UserRow | undefined> {
  return await db.selectFrom("users").select(USER_COLUMNS)
    .where("username_canonical", "=", canonical).executeTakeFirst();
}

const selectUserByID = prepared((db, id: string) =>
  db.selectFrom("users").select(USER_COLUMNS).where("id", "=", id)
);

export async function findUserByID(
  db: DB,
  id: string,
): Promise<UserRow | undefined> {
  return (await selectUserByID(db, id))[0];
}

export async function insertUser(db: DB, user: NewUser): Promise<void> {
  await db.insertInto("users").values(user).execute();
}

export async function listUsers(db: DB): Promise<UserRow[]> {
  return await db.selectFrom("users").selectAll().orderBy("username")
    .execute();
}

export async function updateUser(
  db: DB,
  id: string,
  values: UserUpdate,
): Promise<boolean> {
  const r = await db.updateTable("users").set(values).where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Deletes a user; sessions, codes, tokens and consents go with it (FK cascade). */
export async function deleteUser(db: DB, id: string): Promise<boolean> {
  const r = await db.deleteFrom("users").where("id", "=", id)
    .executeTakeFirst();
  return Number(r.numDeletedRows) === 1;
}

/** Accounts whose email is `email`, ignoring case (forgot password). */
export async function findUsersByEmail(
  db: DB,
  email: string,
  limit: number,
): Promise<UserRow[]> {
  return await db.selectFrom("users").select(USER_COLUMNS)
    .where(sql<string>`lower(email)`, "=", email.toLowerCase())
    .orderBy("created_at").limit(limit).execute();
}

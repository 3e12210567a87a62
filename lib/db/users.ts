/** users: accounts people sign in with. */
import type { DB, NewUser, UserRow } from "./schema.ts";

export async function findUserByUsername(
  db: DB,
  username: string,
): Promise<UserRow | undefined> {
  return await db.selectFrom("users").selectAll()
    .where("username", "=", username).executeTakeFirst();
}

export async function findUserByID(
  db: DB,
  id: string,
): Promise<UserRow | undefined> {
  return await db.selectFrom("users").selectAll().where("id", "=", id)
    .executeTakeFirst();
}

export async function insertUser(db: DB, user: NewUser): Promise<void> {
  await db.insertInto("users").values(user).execute();
}

export async function listUsers(db: DB): Promise<UserRow[]> {
  return await db.selectFrom("users").selectAll().orderBy("username")
    .execute();
}

/** Database errors both engines raise alike. */

/**
 * A unique-key violation from either engine: two people creating the same
 * object at once (an admin, a registration). The loser gets 409, not 500.
 */
export function isUniqueViolation(err: unknown): boolean {
  const code = String((err as { code?: unknown })?.code ?? "");
  return code === "23505" || /SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)/.test(
    `${code} ${(err as { errstr?: unknown })?.errstr ?? ""} ${String(err)}`,
  ) || /UNIQUE constraint failed/.test(String(err));
}

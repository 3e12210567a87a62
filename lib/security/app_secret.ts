/**
 * APP_SECRET resolution: the configured value, or a generated one persisted to
 * a file (mode 0600) so sessions and encrypted signing keys survive a restart.
 * @module
 */
import { randomToken } from "./crypto.ts";

export interface ResolvedSecret {
  secret: string;
  /** True when the secret came from (or was written to) the file. */
  generated: boolean;
}

/** Returns APP_SECRET, or reads/creates the persisted one at `file`. */
export async function resolveAppSecret(
  configured: string | null,
  file: string,
): Promise<ResolvedSecret> {
  if (configured) return { secret: configured, generated: false };
  try {
    const existing = (await Deno.readTextFile(file)).trim();
    if (existing.length >= 32) return { secret: existing, generated: true };
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const secret = randomToken(48);
  // createNew: two processes starting at once must not overwrite each other.
  try {
    await Deno.writeTextFile(file, secret + "\n", {
      mode: 0o600,
      createNew: true,
    });
  } catch (err) {
    if (err instanceof Deno.errors.AlreadyExists) {
      // Another process wrote it first: use theirs, if it is one.
      const theirs = (await Deno.readTextFile(file)).trim();
      if (theirs.length < 32) {
        throw new Error(`${file} holds fewer than 32 characters`);
      }
      return { secret: theirs, generated: true };
    }
    throw err;
  }
  return { secret, generated: true };
}

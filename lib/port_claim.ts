/**
 * One server per port. The threads of a server share its port through
 * SO_REUSEPORT, which the kernel grants to every socket of the same user
 * that asks for it: a second server started on that port would bind as
 * well and answer every other connection (another database, another JWKS on
 * the same URL). So before its threads bind, a server claims the port:
 *
 * 1. an exclusive lock on a file named after the address, held until the
 *    process ends (the kernel drops it even on a crash), so that of two
 *    servers starting at the same moment only one gets past;
 * 2. one bind without SO_REUSEPORT, closed again at once: it fails while
 *    any socket listens on the port (a server of ours started before, or
 *    any other program), SO_REUSEPORT or not.
 *
 * Only then do the threads bind, all with SO_REUSEPORT.
 * @module
 */
import { tmpdir } from "node:os";

/** The port is served already: the one line the operator sees. */
export class PortInUseError extends Error {
  override name = "PortInUseError";
  constructor(readonly host: string, readonly port: number, reason: string) {
    super(
      `port ${port} on ${host} is already in use (${reason}); stop that server or choose another PORT`,
    );
  }
}

/** The claim; `release()` lets another server have the port. */
export interface PortClaim {
  release(): void;
}

/** Where the lock of `host`:`port` lives (one file per address). */
export function lockPath(host: string, port: number): string {
  const safe = host.replace(/[^\w.-]/g, "_");
  return `${tmpdir()}/oauth-server-${safe}-${port}.lock`;
}

async function lockFile(path: string): Promise<Deno.FsFile | null> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true, write: true, create: true });
  } catch {
    // Another user's file, a read-only /tmp: the bind below still decides.
    return null;
  }
  if (await file.tryLock(true)) return file;
  file.close();
  throw new Error("another server holds it");
}

/**
 * Claims `host`:`port` for this process's server threads, or throws
 * `PortInUseError`. Port 0 (a random port, one thread) needs no claim.
 */
export async function claimPort(
  host: string,
  port: number,
): Promise<PortClaim> {
  if (port === 0) return { release() {} };
  let lock: Deno.FsFile | null;
  try {
    lock = await lockFile(lockPath(host, port));
  } catch (err) {
    throw new PortInUseError(host, port, (err as Error).message);
  }
  try {
    const probe = Deno.listen({ hostname: host, port });
    probe.close();
  } catch (err) {
    lock?.close();
    if (err instanceof Deno.errors.AddrInUse) {
      throw new PortInUseError(host, port, "another process listens on it");
    }
    throw err;
  }
  return {
    release() {
      lock?.close();
      lock = null;
    },
  };
}

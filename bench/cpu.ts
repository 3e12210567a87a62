/**
 * CPU time a process has used, all its threads together (argon2 and
 * WebCrypto work off the main thread, so a main-thread profile misses it).
 * CPU time per request is the bench's noise-resistant number: a busy
 * neighbour on the same core lowers req/s but not the work each request
 * costs.
 * @module
 */

/** Linux reports utime/stime in USER_HZ ticks, 100 per second on x86-64 and arm64. */
const USER_HZ = 100;

/** User + system CPU seconds of `pid` so far, or null when unreadable. */
export async function cpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // Fields after the command name, which is in parentheses and may
    // contain spaces: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return null;
  }
}

/** What the server spent while a window was measured. */
export interface CPUUse {
  /** CPU milliseconds per request (per flow for the code flow). */
  msPerRequest: number;
  /** Share of one core the server used during the window (%). */
  coreUse: number;
}

/** CPU use over a window from two `cpuSeconds` readings. */
export function cpuUse(
  before: number | null,
  after: number | null,
  requests: number,
  wallSeconds: number,
): CPUUse | null {
  if (before === null || after === null || requests === 0) return null;
  const used = after - before;
  return {
    msPerRequest: (used * 1000) / requests,
    coreUse: (used / wallSeconds) * 100,
  };
}

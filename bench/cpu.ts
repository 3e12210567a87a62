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

/** The fields of /proc/PID/stat after the command name, or null. */
async function statFields(pid: number | string): Promise<string[] | null> {
  try {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
    // The command name is in parentheses and may contain spaces; fields[0]
    // is then field 3 (state), fields[1] the ppid, fields[11..14] utime,
    // stime, cutime, cstime.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return null;
  }
}

/** User + system CPU seconds of `pid` so far, or null when unreadable. */
export async function cpuSeconds(pid: number): Promise<number | null> {
  const fields = await statFields(pid);
  if (!fields) return null;
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/**
 * CPU seconds of a process and its children (PostgreSQL: the postmaster
 * and every backend and helper it forked). Children that already exited
 * and were reaped are in the parent's cutime/cstime; live ones are read one
 * by one. Only direct children: the postmaster forks every other process.
 */
export async function cpuSecondsTree(pid: number): Promise<number | null> {
  const own = await statFields(pid);
  if (!own) return null;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) +
    Number(own[14]);
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const fields = await statFields(entry.name);
    if (fields && Number(fields[1]) === pid) {
      ticks += Number(fields[11]) + Number(fields[12]);
    }
  }
  return ticks / USER_HZ;
}

/**
 * The processes whose CPU time a measurement reads: the server, and the
 * database server when it runs outside the server process (PostgreSQL).
 */
export interface CPUProbe {
  serverPID: number;
  dbPID: number | null;
}

/** Busy and total CPU ticks of the whole machine, from /proc/stat. */
interface MachineTicks {
  busy: number;
  total: number;
}

async function machineTicks(): Promise<MachineTicks | null> {
  const text = await Deno.readTextFile("/proc/stat").catch(() => "");
  const line = text.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return null;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3] - (f[4] ?? 0), total };
}

/** One reading of a probe: CPU seconds so far, null where unreadable. */
export interface CPUReading {
  server: number | null;
  db: number | null;
  machine: MachineTicks | null;
}

export async function readProbe(probe: CPUProbe): Promise<CPUReading> {
  const [server, db, machine] = await Promise.all([
    cpuSeconds(probe.serverPID),
    probe.dbPID === null ? null : cpuSecondsTree(probe.dbPID),
    machineTicks(),
  ]);
  return { server, db, machine };
}

/** CPU spent over a measured window. */
export interface WindowCPU {
  server: CPUUse | null;
  /** The PostgreSQL server's processes; null for SQLite (in-process). */
  db: CPUUse | null;
  /** Share of all cores busy (any process) over the window, %. */
  machineBusy: number | null;
}

export function windowCPU(
  before: CPUReading,
  after: CPUReading,
  requests: number,
  wallSeconds: number,
): WindowCPU {
  const m0 = before.machine;
  const m1 = after.machine;
  return {
    server: cpuUse(before.server, after.server, requests, wallSeconds),
    db: cpuUse(before.db, after.db, requests, wallSeconds),
    machineBusy: m0 && m1 && m1.total > m0.total
      ? ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100
      : null,
  };
}

/** What the server spent while a window was measured. */
export interface CPUUse {
  /** CPU milliseconds per request (per flow for the code flow). */
  msPerRequest: number;
  /** Share of one core used during the window (%; 200 = two cores). */
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

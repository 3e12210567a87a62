/**
 * The child processes of a bench run: each pinned to its cores with
 * `taskset` (or unpinned), tracked from spawn to exit, and always ended
 * (SIGTERM or the service's own stop signal, then SIGKILL), also when the
 * run fails or is interrupted.
 * @module
 */

export interface SpawnOptions {
  /**
   * CPUs to pin to, as taskset takes them ("0", "0,1"); null runs unpinned
   * (all cores, or no taskset on this machine).
   */
  cpus: string | null;
  env?: Record<string, string>;
  cwd?: string;
  /** Long-running services write stdout and stderr here. */
  logFile?: string;
  /** The signal that asks a service to stop (default SIGTERM). */
  stopSignal?: Deno.Signal;
}

export interface Service {
  name: string;
  pid: number;
  child: Deno.ChildProcess;
  status: Promise<Deno.CommandStatus>;
  exited: boolean;
  stopSignal: Deno.Signal;
}

const GRACE_MS = 5_000;
const live = new Set<Service>();

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Scheduling priority of every child (`nice -n`); 0 leaves it alone. */
let niceness = 0;

/**
 * Sets the priority children start with. On a machine shared with other
 * work, a negative value (root only) keeps neighbours from taking the
 * measured cores' time; it changes nothing on an idle machine. With the
 * kernel's autogroup scheduling, `nice` only ranks processes of one session,
 * so each child also gets a session of its own (`setsid`) whose autogroup
 * is given the same value.
 */
export function setNiceness(value: number): void {
  niceness = value;
}

async function autogroupOf(pid: number | "self"): Promise<string | null> {
  try {
    return (await Deno.readTextFile(`/proc/${pid}/autogroup`)).split(" ")[0];
  } catch {
    return null;
  }
}

/**
 * Gives the child's autogroup our niceness, once the child has left our
 * session (setsid runs just after spawn): writing earlier would reprioritise
 * the session that started the bench.
 */
async function applyAutogroupNice(pid: number): Promise<void> {
  if (niceness === 0) return;
  const ours = await autogroupOf("self");
  if (ours === null) return; // No autogroup scheduling: nice alone applies.
  for (let i = 0; i < 100; i++) {
    const theirs = await autogroupOf(pid);
    if (theirs === null) return;
    if (theirs !== ours) {
      await Deno.writeTextFile(`/proc/${pid}/autogroup`, String(niceness))
        .catch(() => {});
      return;
    }
    await delay(10);
  }
  console.error(`pid ${pid} did not leave our session; autogroup left as is`);
}

function pinned(
  cpus: string | null,
  cmd: string,
  args: string[],
): [string, string[]] {
  // setsid (the child is no group leader), nice and taskset all exec, so
  // the child's pid is the program's own.
  const [program, argv] = cpus === null
    ? [cmd, args]
    : ["taskset", ["-c", cpus, cmd, ...args]];
  return niceness === 0
    ? [program, argv]
    : ["setsid", ["nice", "-n", String(niceness), program, ...argv]];
}

/** Whether `taskset` is usable here (it execs, so the pid is the program's). */
export async function hasTaskset(): Promise<boolean> {
  try {
    const out = await new Deno.Command("taskset", {
      args: ["-c", "0", "true"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

/** Starts a long-running process whose output goes to `logFile`. */
export async function startService(
  name: string,
  cmd: string,
  args: string[],
  options: SpawnOptions,
): Promise<Service> {
  const [program, argv] = pinned(options.cpus, cmd, args);
  const log = options.logFile
    ? await Deno.open(options.logFile, { create: true, append: true })
    : null;
  const child = new Deno.Command(program, {
    args: argv,
    env: options.env,
    cwd: options.cwd,
    stdin: "null",
    stdout: log ? "piped" : "null",
    stderr: log ? "piped" : "null",
  }).spawn();
  const service: Service = {
    name,
    pid: child.pid,
    child,
    status: child.status,
    exited: false,
    stopSignal: options.stopSignal ?? "SIGTERM",
  };
  live.add(service);
  await applyAutogroupNice(child.pid);
  if (log) {
    const writer = log.writable.getWriter();
    const copy = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) await writer.write(chunk);
    };
    Promise.all([copy(child.stdout), copy(child.stderr)])
      .catch(() => {})
      .finally(() => writer.close().catch(() => {}));
  }
  service.status = child.status.finally(() => {
    service.exited = true;
    live.delete(service);
  });
  return service;
}

/** Ends a service: its stop signal, then SIGKILL after a grace period. */
export async function stopService(service: Service): Promise<void> {
  if (service.exited) return;
  try {
    service.child.kill(service.stopSignal);
  } catch {
    // Already gone.
  }
  const ended = await Promise.race([
    service.status.then(() => true),
    delay(GRACE_MS).then(() => false),
  ]);
  if (!ended) {
    try {
      service.child.kill("SIGKILL");
    } catch {
      // Already gone.
    }
    await service.status;
  }
}

/** Ends every process still running (on failure or interrupt). */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map(stopService));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a process to completion and collects its output; killed when it
 * outlives `timeoutMs`, so a run is always bounded.
 */
export async function runPinned(
  name: string,
  cmd: string,
  args: string[],
  options: SpawnOptions & { timeoutMs: number },
): Promise<RunResult> {
  const [program, argv] = pinned(options.cpus, cmd, args);
  const child = new Deno.Command(program, {
    args: argv,
    env: options.env,
    cwd: options.cwd,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const service: Service = {
    name,
    pid: child.pid,
    child,
    status: child.status,
    exited: false,
    stopSignal: "SIGTERM",
  };
  live.add(service);
  await applyAutogroupNice(child.pid);
  const timer = setTimeout(() => {
    console.error(
      `${name}: still running after ${options.timeoutMs} ms; killing`,
    );
    stopService(service);
  }, options.timeoutMs);
  try {
    const out = await child.output();
    const decode = (b: Uint8Array) => new TextDecoder().decode(b);
    return {
      code: out.code,
      stdout: decode(out.stdout),
      stderr: decode(out.stderr),
    };
  } finally {
    clearTimeout(timer);
    service.exited = true;
    live.delete(service);
  }
}

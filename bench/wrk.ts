/**
 * The fixed-request scenarios, driven by wrk (Debian's package, installed
 * when missing) with check.lua, which checks every response's status and
 * body. One request is checked from here first, so a missing endpoint shows
 * as a note instead of a row of errors.
 * @module
 */
import { type CPUProbe, readProbe, windowCPU } from "./cpu.ts";
import { runPinned } from "./processes.ts";
import type { Measurement, Scenario } from "./scenarios.ts";

const LUA = new URL("./check.lua", import.meta.url).pathname;

/** One fixed request and the substrings its body must contain. */
export interface WrkRequest {
  path: string;
  method: "GET" | "POST";
  body?: string;
  contentType?: string;
  authorization?: string;
  expect: string[];
}

async function commandOutput(cmd: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(cmd, { args, stderr: "piped" })
      .output();
    return new TextDecoder().decode(out.stdout) +
      new TextDecoder().decode(out.stderr);
  } catch {
    return "";
  }
}

/** Installs wrk from Debian's packages when it is missing. */
export async function ensureWrk(): Promise<string> {
  const version = async () =>
    (await commandOutput("wrk", ["-v"])).split("\n")[0].split(" [")[0].trim();
  const present = await version();
  if (present.startsWith("wrk")) return present;
  console.error("wrk is missing; installing it with apt-get");
  const apt = (...args: string[]) =>
    new Deno.Command("apt-get", { args, stdout: "inherit", stderr: "inherit" })
      .output().then((o) => o.success, () => false);
  if (!(await apt("install", "-y", "wrk"))) {
    if (!(await apt("update")) || !(await apt("install", "-y", "wrk"))) {
      throw new Error("could not install wrk (apt-get install -y wrk)");
    }
  }
  return await version();
}

/** One request checked the way check.lua checks it; null when it passes. */
async function precheck(base: string, req: WrkRequest): Promise<string | null> {
  const headers: Record<string, string> = {};
  if (req.contentType) headers["Content-Type"] = req.contentType;
  if (req.authorization) headers["Authorization"] = req.authorization;
  try {
    const res = await fetch(base + req.path, {
      method: req.method,
      headers,
      body: req.body,
      signal: AbortSignal.timeout(10_000),
    });
    const body = await res.text();
    if (res.status < 200 || res.status > 299) {
      return `precheck: ${req.method} ${req.path} answered ${res.status} ${
        body.slice(0, 120)
      }`;
    }
    const missing = req.expect.find((e) => !body.includes(e));
    if (missing) return `precheck: body lacks ${missing}`;
    return null;
  } catch (err) {
    return `precheck: ${err}`;
  }
}

interface WrkResult {
  requests: number;
  duration_us: number;
  bad: number;
  connect: number;
  read: number;
  write: number;
  timeout: number;
  p50_us: number;
  p99_us: number;
  sample: string;
}

async function wrk(
  base: string,
  req: WrkRequest,
  seconds: number,
  connections: number,
  cpus: string | null,
): Promise<WrkResult> {
  const out = await runPinned("wrk", "wrk", [
    "-t1",
    `-c${connections}`,
    `-d${seconds}s`,
    "--timeout",
    "10s",
    "-s",
    LUA,
    base + req.path,
  ], {
    cpus,
    timeoutMs: seconds * 1000 + 30_000,
    env: {
      BENCH_METHOD: req.method,
      BENCH_BODY: req.body ?? "",
      BENCH_CONTENT_TYPE: req.contentType ?? "",
      BENCH_AUTHORIZATION: req.authorization ?? "",
      BENCH_EXPECT: req.expect.join("\n"),
    },
  });
  const line = out.stdout.split("\n").findLast((l) => l.startsWith("{"));
  if (out.code !== 0 || !line) {
    throw new Error(`wrk failed (${out.code}): ${out.stderr}${out.stdout}`);
  }
  return JSON.parse(line);
}

export async function measureWrk(
  scenario: Scenario,
  base: string,
  req: WrkRequest,
  window: { warmup: number; seconds: number },
  loadCPUs: string | null,
  probe: CPUProbe,
): Promise<Measurement> {
  const problem = await precheck(base, req);
  if (problem) {
    return {
      scenario,
      rate: null,
      p50Ms: null,
      p99Ms: null,
      errors: 0,
      note: problem,
    };
  }
  const c = scenario.concurrency;
  await wrk(base, req, window.warmup, c, loadCPUs);
  const before = await readProbe(probe);
  const r = await wrk(base, req, window.seconds, c, loadCPUs);
  const after = await readProbe(probe);
  const errors = r.bad + r.connect + r.read + r.write + r.timeout;
  const cpu = windowCPU(before, after, r.requests, r.duration_us / 1e6);
  return {
    cpu: cpu.server,
    dbCpu: cpu.db,
    machineBusy: cpu.machineBusy,
    scenario,
    rate: r.requests / (r.duration_us / 1e6),
    p50Ms: r.p50_us / 1000,
    p99Ms: r.p99_us / 1000,
    errors,
    note: errors ? `first error: ${r.sample}` : undefined,
  };
}

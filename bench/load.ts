/**
 * Load generator for the stateful scenarios, run as its own process (bench/
 * main.ts pins it to the load core): refresh-token rotation with one chain
 * per connection, and the full authorization code flow a few flows at a
 * time. Runs a warm-up, then a fixed measuring window, then stops; prints
 * one JSON line (`LoadResult`).
 *
 * ```sh
 * deno run -A bench/load.ts --scenario refresh --fixture fixture.json \
 *   --warmup 2 --duration 10 --concurrency 32 [--server-pid PID] [--db-pid PID]
 * ```
 * @module
 */
import { SoftwarePasskey } from "../tests/helpers/software_authenticator.ts";
import { parseArgs } from "node:util";
import {
  type CPUProbe,
  type CPUReading,
  type CPUUse,
  readProbe,
  windowCPU,
} from "./cpu.ts";
import {
  type BenchClient,
  type CodeFlowOptions,
  type Fixture,
  rotateRefreshToken,
  runCodeFlow,
  type StepTimes,
  type TokenSet,
} from "./flow.ts";
import { runPeerCodeFlow } from "./peer_flow.ts";

export interface LoadResult {
  scenario: string;
  /** Completed in the measuring window, failed ones included. */
  requests: number;
  errors: number;
  seconds: number;
  /** requests / seconds (flows per second for the code flow). */
  rate: number;
  p50Ms: number;
  p99Ms: number;
  /** Code flow: median milliseconds of each step. */
  stepsP50Ms?: Record<string, number>;
  /** The server's CPU over the window, when its pid was given. */
  cpu: CPUUse | null;
  /** PostgreSQL's CPU over the window, when its pid was given. */
  dbCpu: CPUUse | null;
  /** Share of all cores busy over the window (%). */
  machineBusy: number | null;
  /** The first few distinct failure messages. */
  errorSamples: string[];
}

interface Window {
  measureFrom: number;
  end: number;
  /** CPU readings when the window opens and closes (null: no probe). */
  cpu: Promise<[CPUReading, CPUReading] | null>;
}

interface Recorder {
  latencies: number[];
  errors: number;
  errorSamples: Set<string>;
  steps: Record<keyof StepTimes, number[]>;
}

const MAX_ERROR_SAMPLES = 5;

/** The q-quantile (0-1) of `values`, nearest rank. */
export function percentile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function noteError(rec: Recorder, err: unknown): void {
  rec.errors++;
  if (rec.errorSamples.size < MAX_ERROR_SAMPLES) {
    rec.errorSamples.add(err instanceof Error ? err.message : String(err));
  }
}

/**
 * Runs `concurrency` workers until the window ends. A unit of work counts
 * when it completes inside [measureFrom, end]; `recover` repairs a worker's
 * state after a failure, outside the timing.
 */
async function drive<S>(
  concurrency: number,
  window: Window,
  states: S[],
  work: (state: S, times: StepTimes) => Promise<void>,
  rec: Recorder,
  recover?: (state: S) => Promise<void>,
): Promise<void> {
  async function worker(state: S): Promise<void> {
    while (performance.now() < window.end) {
      const times: StepTimes = { authorize: 0, login: 0, consent: 0, token: 0 };
      const start = performance.now();
      let failure: unknown = null;
      try {
        await work(state, times);
      } catch (err) {
        failure = err;
      }
      const finish = performance.now();
      const counted = finish >= window.measureFrom && finish <= window.end;
      if (counted) {
        rec.latencies.push(finish - start);
        if (failure !== null) noteError(rec, failure);
        else {
          for (const k of Object.keys(times) as (keyof StepTimes)[]) {
            rec.steps[k].push(times[k]);
          }
        }
      }
      if (failure !== null && recover) {
        await recover(state).catch((err) => {
          const now = performance.now();
          if (now >= window.measureFrom && now <= window.end) {
            noteError(rec, err);
          }
        });
      }
    }
  }
  await Promise.all(states.slice(0, concurrency).map(worker));
}

function userFor(fixture: Fixture, i: number) {
  return fixture.users[i % fixture.users.length];
}

/** One code flow on the fixture's server: ours, or the peer's pages. */
function codeFlow(
  fixture: Fixture,
  opts: Omit<CodeFlowOptions, "base">,
): Promise<TokenSet> {
  const base = fixture.base;
  return fixture.peer
    ? runPeerCodeFlow({ base, ...opts })
    : runCodeFlow({ base, ...opts });
}

async function newChain(
  fixture: Fixture,
  client: BenchClient,
  i: number,
): Promise<string> {
  const user = userFor(fixture, i);
  const tokens = await codeFlow(fixture, {
    client,
    username: user.username,
    password: user.password,
    expectConsent: false,
  });
  return tokens.refresh_token!;
}

/** Runs one scenario and returns its measurement. */
export async function runLoad(
  scenario: string,
  fixture: Fixture,
  options: LoadOptions,
): Promise<LoadResult> {
  const rec: Recorder = {
    latencies: [],
    errors: 0,
    errorSamples: new Set(),
    steps: { authorize: [], login: [], consent: [], token: [] },
  };
  const { concurrency } = options;
  const indexes = Array.from({ length: concurrency }, (_, i) => i);
  let win: Window | undefined;
  if (scenario === "refresh" || scenario === "refresh_eddsa") {
    const client = scenario === "refresh"
      ? fixture.refreshClient
      : fixture.refreshClientEdDSA;
    // Each connection starts its own chain before the clock starts.
    const chains = await Promise.all(
      indexes.map(async (i) => ({
        i,
        token: await newChain(fixture, client, i),
      })),
    );
    win = startWindow(options);
    await drive(
      concurrency,
      win,
      chains,
      async (chain) => {
        const next = await rotateRefreshToken(
          fixture.base,
          client,
          chain.token,
        );
        chain.token = next.refresh_token!;
      },
      rec,
      async (chain) => {
        chain.token = await newChain(fixture, client, chain.i);
      },
    );
  } else if (scenario === "code_flow" || scenario === "code_flow_passkey") {
    const passkeys = scenario === "code_flow_passkey"
      ? await Promise.all(fixture.passkeys.map(SoftwarePasskey.fromState))
      : null;
    if (passkeys && passkeys.length !== fixture.users.length) {
      throw new Error(`${scenario}: the fixture has no passkey per user`);
    }
    win = startWindow(options);
    await drive(concurrency, win, indexes, async (i, times) => {
      const user = userFor(fixture, i);
      await codeFlow(fixture, {
        client: fixture.flowClient,
        username: user.username,
        password: user.password,
        passkey: passkeys?.[fixture.users.indexOf(user)],
        expectConsent: true,
        times,
      });
    }, rec);
  } else {
    throw new Error(`unknown load scenario ${scenario}`);
  }
  const readings = await win!.cpu;
  const cpu = readings
    ? windowCPU(readings[0], readings[1], rec.latencies.length, options.seconds)
    : null;
  const result: LoadResult = {
    scenario,
    requests: rec.latencies.length,
    errors: rec.errors,
    seconds: options.seconds,
    rate: rec.latencies.length / options.seconds,
    p50Ms: percentile(rec.latencies, 0.5),
    p99Ms: percentile(rec.latencies, 0.99),
    cpu: cpu?.server ?? null,
    dbCpu: cpu?.db ?? null,
    machineBusy: cpu?.machineBusy ?? null,
    errorSamples: [...rec.errorSamples],
  };
  if (scenario.startsWith("code_flow")) {
    result.stepsP50Ms = Object.fromEntries(
      Object.entries(rec.steps).map(([k, v]) => [k, percentile(v, 0.5)]),
    );
  }
  return result;
}

export interface LoadOptions {
  warmupSeconds: number;
  seconds: number;
  concurrency: number;
  /** The server's (and PostgreSQL's) pid, for CPU time over the window. */
  probe: CPUProbe | null;
}

function at(ms: number, read: () => Promise<CPUReading>) {
  return new Promise<CPUReading>((resolve) =>
    setTimeout(() => resolve(read()), ms)
  );
}

function startWindow(options: LoadOptions): Window {
  const now = performance.now();
  const warmupMs = options.warmupSeconds * 1000;
  const measureFrom = now + warmupMs;
  const end = measureFrom + options.seconds * 1000;
  const probe = options.probe;
  const cpu = probe === null ? Promise.resolve(null) : Promise.all([
    at(warmupMs, () => readProbe(probe)),
    at(warmupMs + options.seconds * 1000, () => readProbe(probe)),
  ]);
  return { measureFrom, end, cpu };
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      scenario: { type: "string" },
      fixture: { type: "string" },
      warmup: { type: "string", default: "2" },
      duration: { type: "string", default: "10" },
      concurrency: { type: "string", default: "32" },
      "server-pid": { type: "string" },
      "db-pid": { type: "string" },
    },
  });
  if (!values.scenario || !values.fixture) {
    console.error(
      "usage: load.ts --scenario refresh|refresh_eddsa|code_flow|code_flow_passkey --fixture FILE [--warmup S] [--duration S] [--concurrency N]",
    );
    Deno.exit(2);
  }
  const fixture: Fixture = JSON.parse(await Deno.readTextFile(values.fixture));
  const result = await runLoad(values.scenario, fixture, {
    warmupSeconds: Number(values.warmup),
    seconds: Number(values.duration),
    concurrency: Number(values.concurrency),
    probe: values["server-pid"]
      ? {
        serverPID: Number(values["server-pid"]),
        dbPID: values["db-pid"] ? Number(values["db-pid"]) : null,
      }
      : null,
  });
  console.log(JSON.stringify(result));
}

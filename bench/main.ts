/**
 * `deno task bench`: the project's performance measurement. Starts the
 * server (`deno run -A main.ts`, fresh database and Deno KV) and a bare Deno
 * ceiling, drives them over loopback (wrk for fixed requests, bench/load.ts
 * for stateful flows), checks every response, and prints the tables: one
 * server thread pinned to core 0 with the load on core 1, and the server on
 * all cores (WORKERS = cores, unpinned, the load generator competing for the
 * same cores), each against a ceiling with as many threads measured in the
 * same run. Every process it starts is ended, also on failure.
 *
 * ```sh
 * deno task bench                       # both core modes, SQLite
 * deno task bench --cores 1             # one thread only (the old table)
 * deno task bench --db postgres --pool 10
 * deno task bench --quick               # 1 s + 3 s smoke run
 * deno task bench --scenario refresh    # one scenario (plus the ceiling)
 * deno task bench --profile prof/       # server under --cpu-prof
 * deno task bench --nice=-10            # on a machine shared with other work
 * deno task bench --out /tmp/bench.md   # also write the report to a file
 * deno task bench --peer oidc-provider --cores 1   # beside node-oidc-provider
 * ```
 *
 * Parts: servers.ts starts the ceiling and the server, postgres.ts a
 * throwaway PostgreSQL, setup.ts prepares the server over HTTP, wrk.ts +
 * check.lua drive fixed requests, load.ts + flow.ts the stateful flows,
 * cpu.ts reads CPU time, report.ts prints the tables; profile_summary.ts
 * reads `--profile` output; peer.ts + peer_flow.ts start and drive the peer
 * (bench/peer/, node-oidc-provider on Node.js) for `--peer`.
 * @module
 */
import { parseArgs } from "node:util";
import { type CPUProbe, cpuSeconds } from "./cpu.ts";
import type { LoadResult } from "./load.ts";
import {
  hasTaskset,
  runPinned,
  type Service,
  setNiceness,
  stopAll,
  stopService,
} from "./processes.ts";
import { coreBusy, loadAverage, machineInfo } from "./machine.ts";
import {
  type Cluster,
  createDatabase,
  durabilitySettings,
  initCluster,
  removeCluster,
  startPostgres,
  stopPostgres,
} from "./postgres.ts";
import {
  ensurePeer,
  parsePeer,
  PEER_UNSUPPORTED,
  type PeerName,
  preparePeer,
  startPeer,
} from "./peer.ts";
import { type ModeResult, report } from "./report.ts";
import { medianRound } from "./rounds.ts";
import {
  type CoresMode,
  type Measurement,
  type Placement,
  type Scenario,
  SCENARIOS,
} from "./scenarios.ts";
import { freePort, logTail, startCeiling, startServer } from "./servers.ts";
import { type Prepared, prepareServer, stopMetadataDocument } from "./setup.ts";
import { ensureWrk, measureWrk } from "./wrk.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const LOAD = new URL("./load.ts", import.meta.url).pathname;
const SERVER_CORE = "0";
const LOAD_CORE = "1";
/** A core busier than this before the run means a noisy neighbour. */
const QUIET_PERCENT = 10;
/** The run's temp dir, removed on exit and on interrupt. */
let tmpDir: string | null = null;
/** The run's PostgreSQL, stopped and removed on exit and on interrupt. */
let cluster: Cluster | null = null;
const HELP =
  `deno task bench [--cores all|1|both] [--db sqlite|postgres] [--pool N]
                [--quick] [--scenario NAME] [--profile DIR] [--out FILE]
                [--wait-quiet S] [--nice=N]
                [--peer oidc-provider [--peer-node PATH]] [--rounds N]
  --cores MODE      1: one server thread pinned to core 0, load on core 1;
                    all: WORKERS=<cores>, server and load unpinned (they
                    compete for the cores); both (default): 1, then all
  --db ENGINE       sqlite (default, a fresh file) or postgres (a throwaway
                    PostgreSQL started from /usr/lib/postgresql/*/bin,
                    default durability settings, removed at the end)
  --pool N          DATABASE_POOL_SIZE with --db postgres (per server
                    thread; default 10, the server's default)
  --quick           1 s warm-up + 3 s per scenario (smoke run)
  --scenario NAMES  run these (comma-separated) of: ${
    SCENARIOS.map((s) => s.name).join(", ")
  }
                    (the ceiling always runs: shares are relative to it)
  --profile DIR     run the server with --cpu-prof, profiles written to DIR
  --out FILE        also write the report as Markdown to FILE
  --wait-quiet S    first wait up to S seconds for the cores to go idle
                    (a shared machine); the run starts anyway after that
  --nice N          start every process with nice -n N (e.g. -10 as root, so
                    other work on a shared machine cannot take the cores)
  --peer NAME       also measure node-oidc-provider (bench/peer/, npm ci on
                    first use), one thread on the server's core, each
                    scenario right after ours; the one-thread table gains
                    its req/s and ours / peer (needs --cores 1 or both)
  --peer-node PATH  the Node.js that runs the peer (default: node)
  --rounds N        measure each scenario N times (with --peer: ours and the
                    peer alternating) and report each side's median round by
                    req/s, with the errors of all rounds (default 1)`;

interface Options {
  warmup: number;
  seconds: number;
  only: string | null;
  profileDir: string | null;
  out: string | null;
  /** Seconds to wait at most for both cores to be idle before starting. */
  waitQuiet: number;
  /** `nice` value for every process the bench starts (0: unchanged). */
  nice: number;
  cores: CoresMode[];
  db: "sqlite" | "postgres";
  pool: number;
  /** The peer measured beside ours in the one-thread mode; null: none. */
  peer: PeerName | null;
  /** The Node.js binary that runs the peer. */
  peerNode: string;
  /** Measurements per scenario and side; the median one is reported. */
  rounds: number;
}

function fail(message: string): never {
  console.error(`${message}\n${HELP}`);
  Deno.exit(2);
}

function parseOptions(): Options {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      scenario: { type: "string" },
      profile: { type: "string" },
      out: { type: "string" },
      "wait-quiet": { type: "string" },
      nice: { type: "string" },
      cores: { type: "string", default: "both" },
      db: { type: "string", default: "sqlite" },
      pool: { type: "string", default: "10" },
      peer: { type: "string" },
      "peer-node": { type: "string", default: "node" },
      rounds: { type: "string", default: "1" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    Deno.exit(0);
  }
  const only = values.scenario ?? null;
  const unknown = only?.split(",").find((name) =>
    !SCENARIOS.some((s) => s.name === name)
  );
  if (unknown) {
    fail(`unknown scenario ${unknown}`);
  }
  const cores: CoresMode[] = values.cores === "both"
    ? ["1", "all"]
    : values.cores === "1" || values.cores === "all"
    ? [values.cores]
    : fail(`--cores must be all, 1 or both, not ${values.cores}`);
  if (values.db !== "sqlite" && values.db !== "postgres") {
    fail(`--db must be sqlite or postgres, not ${values.db}`);
  }
  let peer: PeerName | null = null;
  try {
    peer = parsePeer(values.peer);
  } catch (err) {
    fail((err as Error).message);
  }
  if (peer && !cores.includes("1")) {
    fail("--peer runs in the one-thread mode: use --cores 1 or both");
  }
  const pool = Number(values.pool);
  if (!Number.isInteger(pool) || pool < 1 || pool > 1000) {
    fail(`--pool must be a whole number 1-1000, not ${values.pool}`);
  }
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) {
    fail(`--rounds must be a whole number 1-20, not ${values.rounds}`);
  }
  return {
    warmup: values.quick ? 1 : 2,
    seconds: values.quick ? 3 : 10,
    only,
    // The server runs in the project root: make the path absolute first.
    profileDir: values.profile
      ? new URL(values.profile, `file://${Deno.cwd()}/`).pathname
      : null,
    out: values.out ?? null,
    waitQuiet: Number(values["wait-quiet"] ?? 0),
    nice: Number(values.nice ?? 0),
    cores,
    db: values.db,
    pool,
    peer,
    peerNode: values["peer-node"],
    rounds,
  };
}

function placementOf(
  mode: CoresMode,
  pinnable: boolean,
  nice: number,
): Placement {
  const cores = navigator.hardwareConcurrency;
  const niced = nice ? `, all at nice ${nice}` : "";
  if (mode === "all") {
    return {
      mode,
      serverCPUs: null,
      loadCPUs: null,
      threads: cores,
      description: `server WORKERS=${cores} and a ${cores}-thread ceiling ` +
        `(deno serve --parallel), unpinned; the load generator unpinned ` +
        `too, so it competes with the server for the ${cores} cores${niced}`,
    };
  }
  if (!pinnable) {
    return {
      mode,
      serverCPUs: null,
      loadCPUs: null,
      threads: 1,
      description: "server WORKERS=1 and a 1-thread ceiling, unpinned " +
        `(no taskset or fewer than 2 CPUs)${niced}`,
    };
  }
  return {
    mode,
    serverCPUs: SERVER_CORE,
    loadCPUs: LOAD_CORE,
    threads: 1,
    description: `server WORKERS=1 and a 1-thread ceiling (deno serve) on ` +
      `core ${SERVER_CORE}, load on core ${LOAD_CORE}${niced}`,
  };
}

async function measureLoad(
  scenario: Scenario,
  fixtureFile: string,
  options: Options,
  placement: Placement,
  probe: CPUProbe,
): Promise<Measurement> {
  const out = await runPinned("load", Deno.execPath(), [
    "run",
    "-A",
    LOAD,
    "--scenario",
    scenario.name,
    "--fixture",
    fixtureFile,
    "--warmup",
    String(options.warmup),
    "--duration",
    String(options.seconds),
    "--concurrency",
    String(scenario.concurrency * (scenario.perThread ? placement.threads : 1)),
    "--server-pid",
    String(probe.serverPID),
    ...(probe.dbPID === null ? [] : ["--db-pid", String(probe.dbPID)]),
  ], {
    cpus: placement.loadCPUs,
    cwd: ROOT,
    timeoutMs: (options.warmup + options.seconds) * 1000 + 180_000,
  });
  const line = out.stdout.split("\n").findLast((l) => l.startsWith("{"));
  if (out.code !== 0 || !line) {
    return {
      scenario,
      rate: null,
      p50Ms: null,
      p99Ms: null,
      errors: 0,
      note: `load.ts failed (${out.code}): ${out.stderr.slice(-400)}`,
    };
  }
  const r: LoadResult = JSON.parse(line);
  return {
    scenario,
    rate: r.rate,
    p50Ms: r.p50Ms,
    p99Ms: r.p99Ms,
    errors: r.errors,
    cpu: r.cpu,
    dbCpu: r.dbCpu,
    machineBusy: r.machineBusy,
    note: r.errors ? `errors: ${r.errorSamples.join(" | ")}` : undefined,
    steps: r.stepsP50Ms,
  };
}

function progress(mode: CoresMode, m: Measurement, who = ""): void {
  const rate = m.rate === null ? "n/a" : m.rate.toFixed(1);
  const cpu = m.cpu ? `, ${m.cpu.msPerRequest.toFixed(3)} CPU ms/req` : "";
  console.error(
    `  [${
      mode === "1" ? "1 thread" : "all cores"
    }${who}] ${m.scenario.name}: ` +
      `${rate} ${m.scenario.unit}${cpu}, ${m.errors} errors${
        m.note ? ` (${m.note})` : ""
      }`,
  );
}

async function runCeiling(
  tmp: string,
  options: Options,
  placement: Placement,
): Promise<Measurement> {
  const { service, base } = await startCeiling(
    tmp,
    placement.serverCPUs,
    placement.threads,
  );
  try {
    return await measureWrk(
      SCENARIOS[0],
      base,
      { path: "/", method: "GET", expect: ['"ok":true'] },
      options,
      placement.loadCPUs,
      { serverPID: service.pid, dbPID: null },
    );
  } finally {
    await stopService(service);
  }
}

/** A prepared server the scenarios run against: ours or the peer. */
interface Target {
  name: string;
  service: Service;
  base: string;
  logFile: string;
  prepared: Prepared;
  fixtureFile: string;
  probe: CPUProbe;
}

/** The peer measured beside ours: what runs it and where its rows go. */
interface PeerRun {
  name: PeerName;
  node: string;
  results: Measurement[];
  /** Most of a core (%) our idle server used while a peer row ran. */
  oursIdleCoreUse: number | null;
}

function notRun(scenario: Scenario, note: string): Measurement {
  return { scenario, rate: null, p50Ms: null, p99Ms: null, errors: 0, note };
}

/** One scenario on `target`: wrk for fixed requests, load.ts otherwise. */
async function measureOn(
  target: Target,
  scenario: Scenario,
  options: Options,
  placement: Placement,
): Promise<Measurement> {
  const m = scenario.driver === "wrk"
    ? await measureWrk(
      scenario,
      target.base,
      target.prepared.requests[scenario.name]!,
      options,
      placement.loadCPUs,
      target.probe,
    )
    : await measureLoad(
      scenario,
      target.fixtureFile,
      options,
      placement,
      target.probe,
    );
  if (target.service.exited) {
    throw new Error(
      `${target.name} exited during ${scenario.name}:\n${await logTail(
        target.logFile,
      )}`,
    );
  }
  return m;
}

/** Starts the peer on the server's cores and prepares it over HTTP. */
async function startPeerTarget(
  tmp: string,
  placement: Placement,
  peer: PeerRun,
): Promise<Target> {
  const started = await startPeer(tmp, placement.serverCPUs, peer.node);
  try {
    const prepared = await preparePeer(started.base);
    const fixtureFile = `${tmp}/fixture-peer.json`;
    await Deno.writeTextFile(fixtureFile, JSON.stringify(prepared.fixture));
    return {
      ...started,
      name: peer.name,
      prepared,
      fixtureFile,
      probe: { serverPID: started.service.pid, dbPID: null },
    };
  } catch (err) {
    await stopService(started.service);
    throw new Error(
      `${peer.name} could not be prepared: ${
        err instanceof Error ? err.message : err
      }\n${await logTail(started.logFile)}`,
    );
  }
}

/** Stops `target`, showing its log's tail when it matches `trouble`. */
async function stopTarget(target: Target, trouble: RegExp): Promise<void> {
  await stopService(target.service);
  const tail = await logTail(target.logFile);
  if (trouble.test(tail)) {
    console.error(`${target.name} log (last lines):\n${tail}`);
  }
}

/** PostgreSQL connections the server may open, with room for psql. */
function maxConnections(options: Options, threads: number): number {
  return Math.max(100, options.pool * (threads + 1) + 20);
}

async function runServer(
  tmp: string,
  options: Options,
  placement: Placement,
  selected: Scenario[],
  record: (m: Measurement) => void,
  peer: PeerRun | null,
): Promise<string | null> {
  let databaseURL: string | null = null;
  let dbPID: number | null = null;
  let dbNote: string | null = null;
  if (cluster) {
    const pg = await startPostgres(
      cluster,
      freePort(),
      placement.serverCPUs,
      maxConnections(options, placement.threads),
      `${tmp}/postgres.log`,
    );
    dbPID = pg.pid;
    databaseURL = await createDatabase(
      cluster,
      `bench_${placement.mode === "1" ? "one" : "all"}`,
    );
    dbNote = `PostgreSQL ${cluster.version} (${await durabilitySettings(
      cluster,
    )}); DATABASE_POOL_SIZE=${options.pool} per server thread`;
  }
  try {
    const { service, base, logFile, adminToken } = await startServer(
      tmp,
      placement.serverCPUs,
      {
        workers: placement.threads,
        databaseURL,
        poolSize: options.pool,
        profileDir: options.profileDir,
      },
    );
    const probe: CPUProbe = { serverPID: service.pid, dbPID };
    let peerTarget: Target | null = null;
    try {
      const prepared = await prepareServer(base, adminToken);
      const fixtureFile = `${tmp}/fixture-${placement.mode}.json`;
      await Deno.writeTextFile(fixtureFile, JSON.stringify(prepared.fixture));
      const ours: Target = {
        name: "server",
        service,
        base,
        logFile,
        prepared,
        fixtureFile,
        probe,
      };
      if (peer) peerTarget = await startPeerTarget(tmp, placement, peer);
      for (const scenario of selected) {
        const reason = peer && PEER_UNSUPPORTED[scenario.name];
        const oursRounds: Measurement[] = [];
        const peerRounds: Measurement[] = [];
        for (let round = 0; round < options.rounds; round++) {
          const m = await measureOn(ours, scenario, options, placement);
          progress(placement.mode, m);
          oursRounds.push(m);
          if (!peer || !peerTarget || reason) continue;
          // The peer right after ours, so both see the same neighbours.
          // What ours, idle on the same core, takes meanwhile (checkpoints,
          // timers), warm-up included.
          const start = performance.now();
          const oursBefore = await cpuSeconds(service.pid);
          const pm = await measureOn(peerTarget, scenario, options, placement);
          const oursAfter = await cpuSeconds(service.pid);
          if (oursBefore !== null && oursAfter !== null) {
            const use = (oursAfter - oursBefore) * 1e5 /
              (performance.now() - start);
            peer.oursIdleCoreUse = Math.max(peer.oursIdleCoreUse ?? 0, use);
          }
          progress(placement.mode, pm, `, ${peer.name}`);
          peerRounds.push(pm);
        }
        record(medianRound(oursRounds));
        if (!peer || !peerTarget) continue;
        if (reason) {
          const na = notRun(scenario, `n/a: ${reason}`);
          progress(placement.mode, na, `, ${peer.name}`);
          peer.results.push(na);
        } else peer.results.push(medianRound(peerRounds));
      }
    } finally {
      if (peerTarget) await stopTarget(peerTarget, /server_error|Error/);
      await stopService(service);
      const tail = await logTail(logFile);
      if (/"level":"error"|error:/i.test(tail)) {
        console.error(`server log (last lines):\n${tail}`);
      }
    }
  } finally {
    if (cluster) await stopPostgres(cluster);
  }
  return dbNote;
}

async function busyNow(): Promise<string> {
  const busy = await coreBusy(1000);
  return `cores ${
    busy.map((b) => `${b.toFixed(0)}%`).join("/")
  } busy, load average ${await loadAverage()}`;
}

async function runMode(
  tmp: string,
  options: Options,
  placement: Placement,
  selected: Scenario[],
  peerVersions: string | null,
): Promise<ModeResult> {
  const results: Measurement[] = [];
  // The peer is one Node.js thread: measured in the one-thread mode only.
  const peer: PeerRun | null = options.peer && peerVersions &&
      placement.mode === "1" && selected.length
    ? {
      name: options.peer,
      node: options.peerNode,
      results: [],
      oursIdleCoreUse: null,
    }
    : null;
  const before = await busyNow();
  console.error(`bench [${placement.description}]; before: ${before}`);
  const first = await runCeiling(tmp, options, placement);
  progress(placement.mode, first);
  results.push(first);
  let dbNote: string | null = null;
  if (selected.length) {
    dbNote = await runServer(
      tmp,
      options,
      placement,
      selected,
      (m) => results.push(m),
      peer,
    );
    // Measured again after the server: a noisy neighbour shows as a gap;
    // the higher of the two is the ceiling (the stricter comparison).
    const last = await runCeiling(tmp, options, placement);
    progress(placement.mode, last);
    if (first.rate !== null && last.rate !== null) {
      const best = last.rate > first.rate ? last : first;
      results[0] = {
        ...best,
        note: `measured ${first.rate.toFixed(0)} req/s before the server ` +
          `scenarios and ${last.rate.toFixed(0)} after; the higher is used`,
      };
    }
  }
  return {
    placement,
    results,
    machine: `before: ${before}; load average after ${await loadAverage()}`,
    dbNote,
    peer: peer && peerVersions
      ? {
        name: peer.name,
        versions: peerVersions,
        results: peer.results,
        oursIdleCoreUse: peer.oursIdleCoreUse,
      }
      : undefined,
  };
}

async function main(): Promise<number> {
  const options = parseOptions();
  const wrkVersion = await ensureWrk();
  setNiceness(options.nice);
  const pinnable = (await hasTaskset()) && navigator.hardwareConcurrency >= 2;
  if (!pinnable) console.error("warning: cannot pin; 1-thread runs unpinned");
  const selected = SCENARIOS.filter((s) =>
    s.name !== "ceiling" &&
    (!options.only || options.only.split(",").includes(s.name))
  );
  const peerVersions = options.peer ? await ensurePeer(options.peerNode) : null;
  if (peerVersions) console.error(`bench: peer ${peerVersions}`);
  const tmp = await Deno.makeTempDir({ prefix: "oauth-bench-" });
  tmpDir = tmp;
  const modes: ModeResult[] = [];
  try {
    if (options.db === "postgres") {
      console.error("bench: initdb of a throwaway PostgreSQL");
      cluster = await initCluster();
    }
    console.error(
      `bench: ${options.db}, ${
        options.cores.map((c) => c === "1" ? "1 thread" : "all cores").join(
          " then ",
        )
      }: ceiling, then ${
        selected.map((s) => s.name).join(", ") || "nothing else"
      }`,
    );
    let busy = await coreBusy(1000);
    const waitUntil = Date.now() + options.waitQuiet * 1000;
    while (busy.some((b) => b > QUIET_PERCENT) && Date.now() < waitUntil) {
      busy = await coreBusy(2000);
    }
    if (busy.some((b) => b > QUIET_PERCENT)) {
      console.error(
        `warning: the machine is busy (cores ${
          busy.map((b) => `${b.toFixed(0)}%`).join("/")
        }); expect noise`,
      );
    }
    for (const mode of options.cores) {
      modes.push(
        await runMode(
          tmp,
          options,
          placementOf(mode, pinnable, options.nice),
          selected,
          peerVersions,
        ),
      );
    }
  } finally {
    await stopAll();
    await stopMetadataDocument();
    if (cluster) await removeCluster(cluster);
    cluster = null;
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  const info = await machineInfo(wrkVersion);
  const text = report(options, info, options.db, modes);
  console.log(text);
  if (options.out) await Deno.writeTextFile(options.out, text + "\n");
  if (options.profileDir) {
    console.error(
      `CPU profiles: ${options.profileDir} (summarise with bench/profile_summary.ts)`,
    );
  }
  // A row that could not run fails the run; for the peer, one it cannot do
  // (PEER_UNSUPPORTED) does not.
  const failed = (m: ModeResult) =>
    m.results.some((r) => r.rate === null) ||
    (m.peer?.results ?? []).some((r) =>
      r.rate === null && !PEER_UNSUPPORTED[r.scenario.name]
    );
  return modes.some(failed) ? 1 : 0;
}

if (import.meta.main) {
  const interrupt = async () => {
    console.error("interrupted; stopping child processes");
    await stopAll();
    if (cluster) await removeCluster(cluster);
    if (tmpDir) await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", interrupt);
  Deno.addSignalListener("SIGTERM", interrupt);
  let code = 1;
  try {
    code = await main();
  } catch (err) {
    console.error(`bench failed: ${err instanceof Error ? err.message : err}`);
    await stopAll();
    if (cluster) await removeCluster(cluster);
  }
  Deno.exit(code);
}

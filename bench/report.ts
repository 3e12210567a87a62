/**
 * The tables `deno task bench` prints: a side-by-side summary of one thread
 * and all cores, then one detailed table per mode, each measurement against
 * the ceiling measured in the same run and mode; the one-thread table also
 * against the peer's number and our target, judged on req/s and on CPU per
 * request. With `--peer`, the one-thread table also gets the peer's req/s
 * measured in the same run and ours / peer, and a table of its own sets
 * both servers side by side.
 * @module
 */
import type { CPUUse } from "./cpu.ts";
import { METADATA_DOCUMENT_CPU_BUDGET } from "./scenarios.ts";
import type { Measurement, Placement } from "./scenarios.ts";

/** One mode's measurements (the ceiling first) and its run facts. */
export interface ModeResult {
  placement: Placement;
  results: Measurement[];
  /** Machine load before and after the mode ran. */
  machine: string;
  /** PostgreSQL version and settings; null for SQLite. */
  dbNote: string | null;
  /** The peer measured in the same run (`--peer`), one-thread mode only. */
  peer?: PeerResult;
}

/** The peer's measurements of one mode, one per server scenario. */
export interface PeerResult {
  /** e.g. "oidc-provider". */
  name: string;
  /** What ran, e.g. "oidc-provider 9.13.3 on Node.js v20.20.2 (...)". */
  versions: string;
  /** A row it cannot run has rate null and a note starting "n/a". */
  results: Measurement[];
  /**
   * Most of a core (%) our server used, idle on the same core, while one
   * of the peer's rows ran (warm-up included); null when unread.
   */
  oursIdleCoreUse: number | null;
}

/**
 * `a / b` as a multiple ("1.80x"), or "n/a" when either is missing or not
 * positive: req/s ours over the peer's, CPU ms/req the peer's over ours,
 * so above 1.00x is ours ahead either way.
 */
export function ratio(
  a: number | null | undefined,
  b: number | null | undefined,
): string {
  if (!a || !b || a <= 0 || b <= 0) return "n/a";
  return `${(a / b).toFixed(2)}x`;
}

function peerRow(mode: ModeResult, m: Measurement): Measurement | undefined {
  return mode.peer?.results.find((p) => p.scenario.name === m.scenario.name);
}

function fixed(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) {
    return "-";
  }
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function percent(value: number): string {
  return `${value < 1 ? value.toFixed(2) : value.toFixed(1)}%`;
}

function rateText(m: Measurement): string {
  return m.rate === null ? "n/a" : fixed(m.rate, m.rate < 100 ? 1 : 0);
}

/** The ceiling's rate and CPU cost, the reference of every share. */
export interface Reference {
  rate: number | null;
  cpuMs: number | null;
}

/** CPU per request of the server and PostgreSQL together; null if unread. */
export function totalCPUms(m: Measurement): number | null {
  if (!m.cpu) return null;
  return m.cpu.msPerRequest + (m.dbCpu?.msPerRequest ?? 0);
}

/**
 * Whether the row's CPU cost alone meets the target: the share of the
 * ceiling's CPU cost, or for an absolute rate the rate one full core would
 * give. Reads through a noisy neighbour that req/s cannot. With PostgreSQL
 * its CPU counts too.
 */
export function meetsTargetByCPU(m: Measurement, ref: Reference): boolean {
  const { peer, factor } = m.scenario;
  const cpuMs = totalCPUms(m);
  if (!peer || factor === undefined || cpuMs === null || m.errors > 0) {
    return false;
  }
  if ("rate" in peer) return 1000 / cpuMs >= peer.rate * factor;
  if (ref.cpuMs === null) return false;
  return (ref.cpuMs / cpuMs) * 100 >= peer.share * factor;
}

/** Whether a row meets its target (it must also be free of errors). */
export function meetsTarget(m: Measurement, ceiling: number | null): boolean {
  const { peer, factor } = m.scenario;
  if (!peer || factor === undefined || m.rate === null || m.errors > 0) {
    return false;
  }
  if ("rate" in peer) return m.rate >= peer.rate * factor;
  if (ceiling === null) return false;
  return (m.rate / ceiling) * 100 >= peer.share * factor;
}

function shareOfCeiling(m: Measurement, ref: Reference): string {
  return m.rate !== null && ref.rate ? percent((m.rate / ref.rate) * 100) : "-";
}

function coreUse(use: CPUUse | null | undefined): string {
  return use ? `${use.coreUse.toFixed(0)}%` : "-";
}

function scenarioLabel(m: Measurement): string {
  return m.scenario.unit === "flows/s"
    ? `${m.scenario.label} (flows/s)`
    : m.scenario.label;
}

/** A column: header, numeric (right-aligned), and the cell of a row. */
interface Column<T> {
  header: string;
  numeric: boolean;
  cell(row: T): string;
}

/** A Markdown table, padded so it also reads well in a terminal. */
export function formatTable<T>(columns: Column<T>[], rows: T[]): string {
  const cells = rows.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, i) =>
    Math.max(c.header.length, ...cells.map((r) => r[i].length))
  );
  const line = (values: string[], header: boolean) =>
    "| " +
    values.map((v, i) =>
      columns[i].numeric && !header
        ? v.padStart(widths[i])
        : v.padEnd(widths[i])
    ).join(" | ") + " |";
  const rule = "|" +
    columns.map((c, i) =>
      c.numeric ? "-".repeat(widths[i] + 1) + ":" : "-".repeat(widths[i] + 2)
    ).join("|") + "|";
  return [
    line(columns.map((c) => c.header), true),
    rule,
    ...cells.map((r) => line(r, false)),
  ].join("\n");
}

function referenceOf(results: Measurement[]): Reference {
  const ceiling = results.find((m) => m.scenario.name === "ceiling");
  return {
    rate: ceiling?.rate ?? null,
    cpuMs: ceiling?.cpu?.msPerRequest ?? null,
  };
}

/** The detailed table of one mode. */
export function modeTable(mode: ModeResult, postgres: boolean): string {
  const ref = referenceOf(mode.results);
  const oneThread = mode.placement.mode === "1";
  const columns: Column<Measurement>[] = [
    { header: "scenario", numeric: false, cell: scenarioLabel },
    { header: "req/s", numeric: true, cell: rateText },
    { header: "p50 ms", numeric: true, cell: (m) => fixed(m.p50Ms, 2) },
    { header: "p99 ms", numeric: true, cell: (m) => fixed(m.p99Ms, 2) },
    {
      header: "errors",
      numeric: true,
      cell: (m) => m.rate === null ? "-" : String(m.errors),
    },
    {
      header: "share of ceiling",
      numeric: true,
      cell: (m) => shareOfCeiling(m, ref),
    },
    {
      header: "server CPU ms/req",
      numeric: true,
      cell: (m) => fixed(m.cpu?.msPerRequest, 3),
    },
  ];
  if (postgres) {
    columns.push({
      header: "PG CPU ms/req",
      numeric: true,
      cell: (m) => fixed(m.dbCpu?.msPerRequest, 3),
    });
  }
  columns.push(
    {
      header: "share by CPU",
      numeric: true,
      cell: (m) => {
        const cpu = totalCPUms(m);
        return cpu && ref.cpuMs ? percent((ref.cpuMs / cpu) * 100) : "-";
      },
    },
    {
      header: "server CPU use (100% = 1 core)",
      numeric: true,
      cell: (m) => coreUse(m.cpu),
    },
  );
  if (postgres) {
    columns.push({
      header: "PG CPU use",
      numeric: true,
      cell: (m) => coreUse(m.dbCpu),
    });
  }
  columns.push({
    header: "machine busy",
    numeric: true,
    cell: (m) =>
      m.machineBusy === null || m.machineBusy === undefined
        ? "-"
        : `${m.machineBusy.toFixed(0)}%`,
  });
  if (oneThread) {
    columns.push(
      {
        header: "peer (oidc-provider)",
        numeric: false,
        cell: (m) => {
          const { peer, factor, unit } = m.scenario;
          if (!peer || factor === undefined) return "-";
          return "rate" in peer ? `${peer.rate} ${unit}` : percent(peer.share);
        },
      },
      {
        header: "target",
        numeric: false,
        cell: (m) => {
          const { peer, factor, unit } = m.scenario;
          if (!peer || factor === undefined) return "-";
          if ("rate" in peer) {
            return `>= ${fixed(peer.rate * factor, 1)} ${unit}`;
          }
          const target = peer.share * factor;
          return ref.rate
            ? `>= ${percent(target)} (${fixed((target / 100) * ref.rate, 0)}/s)`
            : `>= ${percent(target)}`;
        },
      },
      {
        header: "met? (req/s)",
        numeric: false,
        cell: (m) =>
          !m.scenario.peer ? "-" : meetsTarget(m, ref.rate) ? "met" : "NOT met",
      },
      {
        header: "met? (by CPU)",
        numeric: false,
        cell: (m) =>
          !m.scenario.peer || !m.cpu
            ? "-"
            : meetsTargetByCPU(m, ref)
            ? "met"
            : "NOT met",
      },
    );
  }
  const peer = mode.peer;
  if (peer) {
    columns.push(
      {
        header: `${peer.name} req/s (this run)`,
        numeric: true,
        cell: (m) => {
          const p = peerRow(mode, m);
          return p ? rateText(p) : "-";
        },
      },
      {
        header: `ours / ${peer.name}`,
        numeric: true,
        cell: (m) => {
          const p = peerRow(mode, m);
          return p ? ratio(m.rate, p.rate) : "-";
        },
      },
    );
  }
  return formatTable(columns, mode.results);
}

/** Ours and the peer side by side, per scenario, from the same run. */
export function peerTable(mode: ModeResult): string {
  const name = mode.peer?.name ?? "peer";
  const rows = mode.results.filter((m) => peerRow(mode, m));
  const side = (
    label: string,
    pick: (m: Measurement) => Measurement | undefined,
  ): Column<Measurement>[] => [
    {
      header: `${label} req/s`,
      numeric: true,
      cell: (m) => {
        const r = pick(m);
        return r ? rateText(r) : "-";
      },
    },
    {
      header: "p99 ms",
      numeric: true,
      cell: (m) => fixed(pick(m)?.p99Ms, 2),
    },
    {
      header: "errors",
      numeric: true,
      cell: (m) => {
        const r = pick(m);
        return r && r.rate !== null ? String(r.errors) : "-";
      },
    },
    {
      header: "CPU ms/req",
      numeric: true,
      cell: (m) => fixed(pick(m)?.cpu?.msPerRequest, 3),
    },
  ];
  return formatTable([
    { header: "scenario", numeric: false, cell: scenarioLabel },
    ...side("ours", (m) => m),
    ...side(name, (m) => peerRow(mode, m)),
    {
      header: `ours / ${name} req/s`,
      numeric: true,
      cell: (m) => ratio(m.rate, peerRow(mode, m)?.rate),
    },
    {
      header: `${name} / ours CPU ms/req`,
      numeric: true,
      cell: (m) =>
        ratio(peerRow(mode, m)?.cpu?.msPerRequest, m.cpu?.msPerRequest),
    },
    {
      // Below ~95%, something (a neighbour, the load generator) kept that
      // server from its core: its req/s understates it, its CPU ms/req
      // does not.
      header: "core use (ours / peer)",
      numeric: true,
      cell: (m) => `${coreUse(m.cpu)} / ${coreUse(peerRow(mode, m)?.cpu)}`,
    },
  ], rows);
}

function peerNotes(peer: PeerResult): string[] {
  const lines = [`- ${peer.name}: ${peer.versions}`];
  if (peer.oursIdleCoreUse !== null) {
    lines.push(
      `- ours, idle on the same core while ${peer.name} was measured, ` +
        `used at most ${peer.oursIdleCoreUse.toFixed(1)}% of it (one row, ` +
        "warm-up included)",
    );
  }
  for (const m of peer.results) {
    if (m.note) lines.push(`- ${peer.name} ${m.scenario.name}: ${m.note}`);
    if (m.steps) {
      const steps = Object.entries(m.steps).map(([k, v]) =>
        `${k} ${v.toFixed(1)} ms`
      ).join(", ");
      lines.push(`- ${peer.name} ${m.scenario.name} step medians: ${steps}`);
    }
    if (m.scenario.unit === "flows/s" && m.cpu) {
      lines.push(
        `- ${peer.name} ${m.scenario.name}: ` +
          `${m.cpu.msPerRequest.toFixed(1)} CPU ms per flow`,
      );
    }
  }
  return lines;
}

/** One row of the side-by-side table. */
interface PairRow {
  one: Measurement;
  all: Measurement | undefined;
}

/** One thread and all cores side by side, per scenario. */
export function sideBySideTable(
  one: ModeResult,
  all: ModeResult,
  postgres: boolean,
): string {
  const refOne = referenceOf(one.results);
  const refAll = referenceOf(all.results);
  const rows: PairRow[] = one.results.map((m) => ({
    one: m,
    all: all.results.find((a) => a.scenario.name === m.scenario.name),
  }));
  const cpuHeader = postgres ? "CPU ms/req (server + PG)" : "CPU ms/req";
  const n = all.placement.threads;
  const half = (
    label: string,
    pick: (r: PairRow) => Measurement | undefined,
    ref: Reference,
  ): Column<PairRow>[] => [
    {
      header: `${label} req/s`,
      numeric: true,
      cell: (r) => {
        const m = pick(r);
        return m ? rateText(m) : "-";
      },
    },
    {
      header: "p50 ms",
      numeric: true,
      cell: (r) => fixed(pick(r)?.p50Ms, 2),
    },
    {
      header: "p99 ms",
      numeric: true,
      cell: (r) => fixed(pick(r)?.p99Ms, 2),
    },
    {
      header: "of ceiling",
      numeric: true,
      cell: (r) => {
        const m = pick(r);
        return m ? shareOfCeiling(m, ref) : "-";
      },
    },
    {
      header: cpuHeader,
      numeric: true,
      cell: (r) => {
        const m = pick(r);
        return m ? fixed(totalCPUms(m), 3) : "-";
      },
    },
  ];
  const columns: Column<PairRow>[] = [
    { header: "scenario", numeric: false, cell: (r) => scenarioLabel(r.one) },
    ...half("1 thread", (r) => r.one, refOne),
    ...half(`all cores (${n} threads)`, (r) => r.all, refAll),
    {
      header: "all / 1 req/s",
      numeric: true,
      cell: (r) =>
        r.one.rate && r.all?.rate
          ? `${(r.all.rate / r.one.rate).toFixed(2)}x`
          : "-",
    },
    {
      header: "all / 1 CPU/req",
      numeric: true,
      cell: (r) => {
        const a = r.all ? totalCPUms(r.all) : null;
        const o = totalCPUms(r.one);
        return a && o ? `${(a / o).toFixed(2)}x` : "-";
      },
    },
  ];
  return formatTable(columns, rows);
}

function modeTitle(mode: ModeResult): string {
  return mode.placement.mode === "1"
    ? "One server thread"
    : `All cores (${mode.placement.threads} server threads)`;
}

function modeNotes(mode: ModeResult): string[] {
  const lines: string[] = [];
  const ceiling = mode.results.find((m) => m.scenario.name === "ceiling");
  const cores = mode.placement.threads;
  if (ceiling?.cpu && ceiling.cpu.coreUse < 90 * cores) {
    lines.push(
      `- ceiling: used ${ceiling.cpu.coreUse.toFixed(0)}% of a core ` +
        `(${cores} available to it): the load generator (wrk, one thread) ` +
        "and the neighbours bound it as much as Deno does, so shares of " +
        "the ceiling by req/s flatter the server; the share by CPU does not",
    );
  }
  const registered = mode.results.find((m) =>
    m.scenario.name === "authorize_registered"
  );
  const document = mode.results.find((m) =>
    m.scenario.name === "authorize_metadata_document"
  );
  const [a, b] = [registered, document].map((m) => m && totalCPUms(m));
  if (a && b) {
    const ratio = b / a;
    lines.push(
      `- /authorize, metadata document client (cached) over registered ` +
        `client: ${b.toFixed(3)} / ${a.toFixed(3)} CPU ms/req = ` +
        `${ratio.toFixed(3)}x (budget ${METADATA_DOCUMENT_CPU_BUDGET}x: ${
          ratio <= METADATA_DOCUMENT_CPU_BUDGET ? "within" : "OVER"
        })`,
    );
  }
  for (const m of mode.results) {
    if (m.steps) {
      const steps = Object.entries(m.steps).map(([k, v]) =>
        `${k} ${v.toFixed(1)} ms`
      ).join(", ");
      lines.push(`- ${m.scenario.name} step medians: ${steps}`);
    }
    if (m.note) lines.push(`- ${m.scenario.name}: ${m.note}`);
    const cpu = totalCPUms(m);
    if (m.scenario.unit === "flows/s" && cpu) {
      lines.push(
        `- ${m.scenario.name}: ${cpu.toFixed(1)} CPU ms per flow${
          m.dbCpu ? " (server + PostgreSQL)" : ""
        }, so ${(1000 / cpu).toFixed(1)} flows/s per fully used core`,
      );
    }
  }
  const cpuOf = (name: string) => {
    const m = mode.results.find((r) => r.scenario.name === name);
    return m ? totalCPUms(m) : null;
  };
  const password = cpuOf("code_flow");
  const passkey = cpuOf("code_flow_passkey");
  if (password && passkey) {
    lines.push(
      `- sign-in cost: a passkey flow takes ${passkey.toFixed(1)} CPU ms, ` +
        `a password (argon2id) flow ${password.toFixed(1)}: the passkey ` +
        (passkey < password
          ? `costs ${(password / passkey).toFixed(1)}x less (met)`
          : "costs more (NOT met: it must cost less)"),
    );
  }
  return lines;
}

/** The whole report: run facts, the tables, then notes per mode. */
export function report(
  window: { warmup: number; seconds: number; rounds?: number },
  info: string,
  db: "sqlite" | "postgres",
  modes: ModeResult[],
): string {
  const postgres = db === "postgres";
  const lines = [
    `Run: ${info}; database: ${
      postgres
        ? "PostgreSQL started by the bench (see each mode)"
        : "SQLite (a fresh file per server, WAL, synchronous=NORMAL)"
    }; Deno KV: a fresh local file per server.`,
    "",
    `Each scenario: ${window.warmup} s warm-up + ${window.seconds} s ` +
    "measured" +
    ((window.rounds ?? 1) > 1
      ? ` in ${window.rounds} rounds (with a peer, ours and the peer ` +
        "alternating), each row its median round by req/s with the errors " +
        "of all rounds"
      : "") +
    ", 32 connections over loopback (code flow: 4 flows at a time " +
    "per server thread, so 4 with one thread); " +
    "req/s counts every response, errors are non-2xx or failed body checks. " +
    "CPU ms/req is CPU time (all threads, from /proc) per request in the " +
    "measured window: the server process" +
    (postgres ? ", and PostgreSQL's processes in their own column" : "") +
    "; share by CPU is the ceiling's CPU ms/req over the row's" +
    (postgres ? " (server + PostgreSQL)" : "") +
    ", which a busy neighbour or a competing load generator distorts far " +
    "less than req/s. Machine busy is the share of all cores busy with " +
    "anything (server, load generator, neighbours) over the window.",
  ];
  const one = modes.find((m) => m.placement.mode === "1");
  const all = modes.find((m) => m.placement.mode === "all");
  if (one && all) {
    lines.push(
      "",
      `### One thread and all cores, side by side (${
        postgres ? "PostgreSQL" : "SQLite"
      })`,
      "",
      sideBySideTable(one, all, postgres),
      "",
      `- 1 thread: ${one.placement.description}. All cores: ${all.placement.description}.`,
      '- "of ceiling" is req/s over the ceiling\'s req/s measured in the ' +
        "same mode of the same run: for one thread a 1-thread `deno serve`, " +
        `for all cores a ${all.placement.threads}-thread \`deno serve ` +
        "--parallel` placed like the server (unpinned, same load generator " +
        "competing for the cores), so both sides of each ratio ran under " +
        "the same conditions. Against the 1-thread ceiling the all-cores " +
        "shares would mix the server's scaling with the ceiling's.",
      "- With all cores the load generator takes CPU from the server on " +
        "this machine, so all-cores req/s understates what the server " +
        "would do with the load on another machine; CPU ms/req does not " +
        "depend on that, and 1000 / (CPU ms/req) is the rate one fully " +
        "used core sustains. all / 1 CPU/req above 1.00x is the cost of " +
        "running threads side by side (lock waits, cache, the kernel " +
        "spreading connections).",
    );
  }
  for (const mode of modes) {
    lines.push(
      "",
      `### ${modeTitle(mode)}`,
      "",
      `${mode.placement.description}; ${mode.machine}.${
        mode.dbNote ? ` ${mode.dbNote}.` : ""
      }`,
      "",
      modeTable(mode, postgres),
    );
    if (mode.placement.mode === "1") {
      lines.push(
        "",
        "Targets (1 thread only: the peer was measured on one core) need " +
          "zero errors and are judged twice: on req/s (as specified) and " +
          "on CPU cost alone (the share by CPU, or for the code flow 1000 " +
          "/ CPU ms per flow).",
      );
    }
    const notes = modeNotes(mode);
    if (notes.length) lines.push("", ...notes);
    if (mode.peer) {
      lines.push(
        "",
        `### Ours and ${mode.peer.name}, same run, one thread each`,
        "",
        `Both servers ran at once on the same core (${mode.placement.description}), ` +
          `each scenario measured on ours and then at once on ${mode.peer.name}, ` +
          "with the same load generator and the same checks on every " +
          "response; the other server sat idle meanwhile. Above 1.00x " +
          "in the last two columns is ours ahead.",
        "",
        peerTable(mode),
        "",
        ...peerNotes(mode.peer),
      );
    }
  }
  return lines.join("\n");
}

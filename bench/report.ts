/**
 * The table `deno task bench` prints: each measurement against the ceiling
 * measured in the same run, the peer's number and our target, judged on
 * req/s and on server CPU per request.
 * @module
 */
import type { Measurement } from "./scenarios.ts";

export interface Row {
  scenario: string;
  rate: string;
  p50: string;
  p99: string;
  errors: string;
  share: string;
  cpuMs: string;
  cpuShare: string;
  coreUse: string;
  peer: string;
  target: string;
  met: string;
  metByCPU: string;
}

function fixed(value: number | null, digits: number): string {
  if (value === null || !Number.isFinite(value)) return "-";
  return value.toLocaleString("en-US", {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

function percent(value: number): string {
  return `${value < 1 ? value.toFixed(2) : value.toFixed(1)}%`;
}

/** The ceiling's rate and CPU cost, the reference of every share. */
export interface Reference {
  rate: number | null;
  cpuMs: number | null;
}

/**
 * Whether the row's CPU cost alone meets the target: the share of the
 * ceiling's CPU cost, or for an absolute rate the rate one full core would
 * give. Reads through a noisy neighbour that req/s cannot.
 */
export function meetsTargetByCPU(m: Measurement, ref: Reference): boolean {
  const { peer, factor } = m.scenario;
  if (!peer || factor === undefined || !m.cpu || m.errors > 0) return false;
  if ("rate" in peer) return 1000 / m.cpu.msPerRequest >= peer.rate * factor;
  if (ref.cpuMs === null) return false;
  return (ref.cpuMs / m.cpu.msPerRequest) * 100 >= peer.share * factor;
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

/** The printed row of one measurement. */
export function toRow(m: Measurement, ref: Reference): Row {
  const ceiling = ref.rate;
  const { peer, factor, unit } = m.scenario;
  const share = m.rate !== null && ceiling ? (m.rate / ceiling) * 100 : null;
  const cpuShare = m.cpu && ref.cpuMs
    ? (ref.cpuMs / m.cpu.msPerRequest) * 100
    : null;
  let peerText = "-";
  let targetText = "-";
  if (peer && factor !== undefined) {
    if ("rate" in peer) {
      peerText = `${peer.rate} ${unit}`;
      targetText = `>= ${fixed(peer.rate * factor, 1)} ${unit}`;
    } else {
      peerText = percent(peer.share);
      const target = peer.share * factor;
      targetText = ceiling
        ? `>= ${percent(target)} (${fixed((target / 100) * ceiling, 0)}/s)`
        : `>= ${percent(target)}`;
    }
  }
  const measured = m.rate !== null;
  return {
    scenario: unit === "flows/s"
      ? `${m.scenario.label} (flows/s)`
      : m.scenario.label,
    rate: measured ? fixed(m.rate, m.rate! < 100 ? 1 : 0) : "n/a",
    p50: fixed(m.p50Ms, 2),
    p99: fixed(m.p99Ms, 2),
    errors: measured ? String(m.errors) : "-",
    share: share === null ? "-" : percent(share),
    cpuMs: m.cpu ? fixed(m.cpu.msPerRequest, 3) : "-",
    cpuShare: cpuShare === null ? "-" : percent(cpuShare),
    coreUse: m.cpu ? `${m.cpu.coreUse.toFixed(0)}%` : "-",
    peer: peerText,
    target: targetText,
    met: !peer ? "-" : meetsTarget(m, ceiling) ? "met" : "NOT met",
    metByCPU: !peer || !m.cpu
      ? "-"
      : meetsTargetByCPU(m, ref)
      ? "met"
      : "NOT met",
  };
}

const HEADER: Row = {
  scenario: "scenario",
  rate: "req/s",
  p50: "p50 ms",
  p99: "p99 ms",
  errors: "errors",
  share: "share of ceiling",
  cpuMs: "server CPU ms/req",
  cpuShare: "share by CPU",
  coreUse: "server core use",
  peer: "peer (oidc-provider)",
  target: "target",
  met: "met? (req/s)",
  metByCPU: "met? (by CPU)",
};

/** A Markdown table, padded so it also reads well in a terminal. */
export function formatTable(rows: Row[]): string {
  const all = [HEADER, ...rows];
  const keys = Object.keys(HEADER) as (keyof Row)[];
  const widths = keys.map((k) => Math.max(...all.map((r) => r[k].length)));
  const numeric = new Set<keyof Row>([
    "rate",
    "p50",
    "p99",
    "errors",
    "share",
    "cpuMs",
    "cpuShare",
    "coreUse",
  ]);
  const line = (r: Row) =>
    "| " +
    keys.map((k, i) =>
      numeric.has(k) && r !== HEADER
        ? r[k].padStart(widths[i])
        : r[k].padEnd(widths[i])
    ).join(" | ") + " |";
  const rule = "|" +
    keys.map((k, i) =>
      numeric.has(k)
        ? "-".repeat(widths[i] + 1) + ":"
        : "-".repeat(widths[i] + 2)
    ).join("|") + "|";
  return [line(HEADER), rule, ...rows.map(line)].join("\n");
}

/** The whole report: run facts, the table, then notes per scenario. */
export function report(
  window: { warmup: number; seconds: number },
  info: string,
  results: Measurement[],
): string {
  const ceiling = results.find((m) => m.scenario.name === "ceiling");
  const ref = {
    rate: ceiling?.rate ?? null,
    cpuMs: ceiling?.cpu?.msPerRequest ?? null,
  };
  const table = formatTable(results.map((m) => toRow(m, ref)));
  const lines = [
    `Run: ${info}.`,
    `Each scenario: ${window.warmup} s warm-up + ${window.seconds} s measured, ` +
    "32 connections over loopback (code flow: 4 flows at a time); " +
    "req/s counts every response, errors are non-2xx or failed body checks. " +
    "Server CPU ms/req is the CPU time of the server process (all threads, " +
    "from /proc) per request in the measured window; share by CPU is the " +
    "ceiling's CPU ms/req over the row's, which a busy neighbour distorts " +
    "far less than req/s; server core use below ~95% means the server was " +
    "starved of its core or waiting. Targets need zero errors and are " +
    "judged twice: on req/s (as specified) and on CPU cost alone (the " +
    "share by CPU, or for the code flow 1000 / CPU ms per flow).",
    "",
    table,
  ];
  const notes = results.filter((m) =>
    m.note || m.steps || (m.scenario.unit === "flows/s" && m.cpu)
  );
  if (notes.length) lines.push("");
  for (const m of notes) {
    if (m.steps) {
      const steps = Object.entries(m.steps).map(([k, v]) =>
        `${k} ${v.toFixed(1)} ms`
      ).join(", ");
      lines.push(`- ${m.scenario.name} step medians: ${steps}`);
    }
    if (m.note) lines.push(`- ${m.scenario.name}: ${m.note}`);
    if (m.scenario.unit === "flows/s" && m.cpu) {
      lines.push(
        `- ${m.scenario.name}: ${m.cpu.msPerRequest.toFixed(1)} CPU ms per ` +
          `flow, so ${(1000 / m.cpu.msPerRequest).toFixed(1)} flows/s on a ` +
          "full core",
      );
    }
  }
  return lines.join("\n");
}

/**
 * The scenarios `deno task bench` measures, the peer numbers they are held
 * against (panva's oidc-provider on Node, measured on this kind of machine,
 * as shares of the bare `Deno.serve` ceiling) and our targets; and the
 * table the run prints.
 * @module
 */
import type { CPUUse } from "./cpu.ts";

export type ScenarioName =
  | "ceiling"
  | "discovery"
  | "jwks"
  | "userinfo"
  | "introspection"
  | "client_credentials"
  | "refresh"
  | "code_flow";

export interface Scenario {
  name: ScenarioName;
  label: string;
  /** wrk for fixed requests; bench/load.ts for stateful ones. */
  driver: "wrk" | "load";
  /** Concurrent connections (flows for the code flow). */
  concurrency: number;
  /** The peer's number: a share of the ceiling (%) or an absolute rate. */
  peer?: { share: number } | { rate: number };
  /** Our target as a multiple of the peer's number. */
  factor?: number;
  unit: "req/s" | "flows/s";
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "ceiling",
    label: "ceiling: bare Deno.serve JSON",
    driver: "wrk",
    concurrency: 32,
    unit: "req/s",
  },
  {
    name: "discovery",
    label: "discovery",
    driver: "wrk",
    concurrency: 32,
    peer: { share: 10 },
    factor: 3,
    unit: "req/s",
  },
  {
    name: "jwks",
    label: "JWKS",
    driver: "wrk",
    concurrency: 32,
    peer: { share: 16 },
    factor: 3,
    unit: "req/s",
  },
  {
    name: "userinfo",
    label: "userinfo",
    driver: "wrk",
    concurrency: 32,
    peer: { share: 6.3 },
    factor: 3,
    unit: "req/s",
  },
  {
    name: "introspection",
    label: "introspection",
    driver: "wrk",
    concurrency: 32,
    peer: { share: 5.3 },
    factor: 3,
    unit: "req/s",
  },
  {
    name: "client_credentials",
    label: "client_credentials",
    driver: "wrk",
    concurrency: 32,
    peer: { share: 5.3 },
    factor: 2,
    unit: "req/s",
  },
  {
    name: "refresh",
    label: "refresh rotation",
    driver: "load",
    concurrency: 32,
    peer: { share: 0.9 },
    factor: 2,
    unit: "req/s",
  },
  {
    name: "code_flow",
    label: "full code flow",
    driver: "load",
    concurrency: 4,
    peer: { rate: 12.8 },
    factor: 1.5,
    unit: "flows/s",
  },
];

/** One measured scenario. */
export interface Measurement {
  scenario: Scenario;
  /** Requests (or flows) per second; null when it could not run. */
  rate: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  errors: number;
  /** The server's CPU over the measured window. */
  cpu?: CPUUse | null;
  /** Why the row has no rate, or the first error seen. */
  note?: string;
}

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

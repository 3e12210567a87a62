/**
 * The scenarios `deno task bench` measures, the peer numbers they are held
 * against (panva's oidc-provider on Node, measured on this kind of machine,
 * as shares of the bare `Deno.serve` ceiling) and our targets.
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
  | "refresh_eddsa"
  | "code_flow"
  | "code_flow_passkey"
  | "authorize_registered"
  | "authorize_metadata_document";

export interface Scenario {
  name: ScenarioName;
  label: string;
  /** wrk for fixed requests; bench/load.ts for stateful ones. */
  driver: "wrk" | "load";
  /** Concurrent connections (flows for the code flow). */
  concurrency: number;
  /**
   * Multiply `concurrency` by the server's threads: a closed-loop driver
   * with few clients in flight is bound by latency, not by the server,
   * once there is more than one thread to keep busy.
   */
  perThread?: boolean;
  /** The peer's number: a share of the ceiling (%) or an absolute rate. */
  peer?: { share: number } | { rate: number };
  /** Our target as a multiple of the peer's number. */
  factor?: number;
  unit: "req/s" | "flows/s";
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: "ceiling",
    label: "ceiling: bare deno serve JSON",
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
    name: "refresh_eddsa",
    label: "refresh rotation, EdDSA ID token",
    driver: "load",
    concurrency: 32,
    unit: "req/s",
  },
  {
    name: "code_flow",
    label: "full code flow",
    driver: "load",
    concurrency: 4,
    perThread: true,
    peer: { rate: 12.8 },
    factor: 1.5,
    unit: "flows/s",
  },
  {
    // The same flow signed in with a passkey assertion (ES256 signature
    // check) instead of argon2id: it must cost less server CPU per flow.
    name: "code_flow_passkey",
    label: "full code flow, passkey sign-in",
    driver: "load",
    concurrency: 4,
    perThread: true,
    unit: "flows/s",
  },
  {
    name: "authorize_registered",
    label: "GET /authorize, registered client",
    driver: "wrk",
    concurrency: 32,
    unit: "req/s",
  },
  {
    name: "authorize_metadata_document",
    label: "GET /authorize, metadata document client (cached)",
    driver: "wrk",
    concurrency: 32,
    unit: "req/s",
  },
];

/**
 * What a Client ID Metadata Document client may cost over a registered one
 * at /authorize once its document is cached (issue 12): at most 10% more
 * CPU per request.
 */
export const METADATA_DOCUMENT_CPU_BUDGET = 1.1;

/** 1: one server thread pinned to a core; all: WORKERS = cores, unpinned. */
export type CoresMode = "1" | "all";

/** Where one mode's processes run and how many threads serve. */
export interface Placement {
  mode: CoresMode;
  /** taskset CPU list of the server, ceiling and PostgreSQL; null: any. */
  serverCPUs: string | null;
  /** taskset CPU list of wrk and load.ts; null: any. */
  loadCPUs: string | null;
  /** Server WORKERS, and the ceiling's threads. */
  threads: number;
  /** How the processes were placed, for the report. */
  description: string;
}

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
  /** PostgreSQL's CPU over the window (its own processes); null for SQLite. */
  dbCpu?: CPUUse | null;
  /** Share of all the machine's cores busy over the window (%). */
  machineBusy?: number | null;
  /** Why the row has no rate, or the first error seen. */
  note?: string;
  /** Code flow: median milliseconds of each step. */
  steps?: Record<string, number>;
}

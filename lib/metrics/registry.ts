/**
 * A small Prometheus registry: counters, gauges and histograms with labels,
 * rendered in the text exposition format (version 0.0.4). Each server
 * thread keeps its own; `snapshot()` / `mergeSnapshots()` let one thread
 * answer for all of them (see collect.ts). Why not prom-client: docs/scaling.md,
 * "Metrics: why our own registry" (bench/metrics.ts measures both).
 * @module
 */

export type Labels = Record<string, string>;

type Kind = "counter" | "gauge" | "histogram";

/** Default latency buckets, seconds. */
export const LATENCY_BUCKETS = [
  0.001,
  0.0025,
  0.005,
  0.01,
  0.025,
  0.05,
  0.1,
  0.25,
  0.5,
  1,
  2.5,
  5,
];

/** One metric family, JSON-safe so it can cross threads. */
export interface FamilySnapshot {
  name: string;
  help: string;
  kind: Kind;
  buckets?: number[];
  /** Serialised labels -> value (counter/gauge) or histogram state. */
  series: Record<string, number | HistogramState>;
}

export interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

export type Snapshot = FamilySnapshot[];

/**
 * The series key: the label pairs sorted by name, as JSON (`[["a","1"]]`).
 * Built by hand: it runs twice per request, and sorting entries and
 * stringifying the whole array cost ~2 us each time.
 */
function labelKey(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length > 1) names.sort();
  let key = "[";
  for (let i = 0; i < names.length; i++) {
    if (i > 0) key += ",";
    key += `[${JSON.stringify(names[i])},${JSON.stringify(labels[names[i]])}]`;
  }
  return key + "]";
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(
    /"/g,
    '\\"',
  );
}

function renderLabels(key: string, extra?: [string, string]): string {
  const pairs = JSON.parse(key) as [string, string][];
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return "";
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
}

function formatNumber(n: number): string {
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return Number.isNaN(n) ? "NaN" : String(n);
}

class Family {
  readonly series = new Map<string, number | HistogramState>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly kind: Kind,
    readonly buckets?: number[],
  ) {}
}

export class Counter {
  constructor(private readonly family: Family) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.family.series.set(
      key,
      ((this.family.series.get(key) as number | undefined) ?? 0) + by,
    );
  }

  /** `inc` for fixed labels, with the series key worked out once. */
  bind(labels: Labels): (by?: number) => void {
    const key = labelKey(labels);
    const series = this.family.series;
    return (by = 1) => {
      series.set(key, ((series.get(key) as number | undefined) ?? 0) + by);
    };
  }
}

export class Gauge {
  constructor(private readonly family: Family) {}
  set(labels: Labels, value: number): void {
    this.family.series.set(labelKey(labels), value);
  }
}

export class Histogram {
  constructor(private readonly family: Family) {}
  observe(labels: Labels, value: number): void {
    this.#record(labelKey(labels), value);
  }

  /** `observe` for fixed labels, with the series key worked out once. */
  bind(labels: Labels): (value: number) => void {
    const key = labelKey(labels);
    return (value) => this.#record(key, value);
  }

  #record(key: string, value: number): void {
    const buckets = this.family.buckets!;
    let state = this.family.series.get(key) as HistogramState | undefined;
    if (!state) {
      state = { counts: buckets.map(() => 0), sum: 0, count: 0 };
      this.family.series.set(key, state);
    }
    for (let i = 0; i < buckets.length; i++) {
      if (value <= buckets[i]) state.counts[i]++;
    }
    state.sum += value;
    state.count++;
  }
}

export class Registry {
  #families = new Map<string, Family>();
  #collectors: (() => void)[] = [];

  #family(name: string, help: string, kind: Kind, buckets?: number[]): Family {
    let family = this.#families.get(name);
    if (!family) {
      family = new Family(name, help, kind, buckets);
      this.#families.set(name, family);
    }
    return family;
  }

  counter(name: string, help: string): Counter {
    return new Counter(this.#family(name, help, "counter"));
  }

  gauge(name: string, help: string): Gauge {
    return new Gauge(this.#family(name, help, "gauge"));
  }

  histogram(name: string, help: string, buckets = LATENCY_BUCKETS): Histogram {
    return new Histogram(this.#family(name, help, "histogram", buckets));
  }

  /** Runs before each snapshot (to sample gauges such as pool usage). */
  onCollect(fn: () => void): void {
    this.#collectors.push(fn);
  }

  snapshot(): Snapshot {
    for (const fn of this.#collectors) fn();
    return [...this.#families.values()].map((f) => ({
      name: f.name,
      help: f.help,
      kind: f.kind,
      buckets: f.buckets,
      series: Object.fromEntries(
        [...f.series].map((
          [k, v],
        ) => [k, typeof v === "number" ? v : structuredClone(v)]),
      ),
    }));
  }
}

/** Adds up the snapshots of several threads (gauges add too: pool sizes, totals). */
export function mergeSnapshots(snapshots: Snapshot[]): Snapshot {
  const merged = new Map<string, FamilySnapshot>();
  for (const snapshot of snapshots) {
    for (const family of snapshot) {
      let into = merged.get(family.name);
      if (!into) {
        into = { ...family, series: {} };
        merged.set(family.name, into);
      }
      for (const [key, value] of Object.entries(family.series)) {
        const prev = into.series[key];
        if (typeof value === "number") {
          into.series[key] = ((prev as number | undefined) ?? 0) + value;
        } else {
          const p = prev as HistogramState | undefined;
          into.series[key] = p
            ? {
              counts: p.counts.map((c, i) => c + value.counts[i]),
              sum: p.sum + value.sum,
              count: p.count + value.count,
            }
            : structuredClone(value);
        }
      }
    }
  }
  return [...merged.values()];
}

/** The Prometheus text format of a snapshot. */
export function renderPrometheus(snapshot: Snapshot): string {
  const lines: string[] = [];
  for (const f of snapshot) {
    lines.push(`# HELP ${f.name} ${f.help.replace(/\n/g, " ")}`);
    lines.push(`# TYPE ${f.name} ${f.kind}`);
    for (const [key, value] of Object.entries(f.series)) {
      if (typeof value === "number") {
        lines.push(`${f.name}${renderLabels(key)} ${formatNumber(value)}`);
        continue;
      }
      f.buckets!.forEach((le, i) => {
        lines.push(
          `${f.name}_bucket${renderLabels(key, ["le", formatNumber(le)])} ${
            value.counts[i]
          }`,
        );
      });
      lines.push(
        `${f.name}_bucket${renderLabels(key, ["le", "+Inf"])} ${value.count}`,
      );
      lines.push(
        `${f.name}_sum${renderLabels(key)} ${formatNumber(value.sum)}`,
      );
      lines.push(`${f.name}_count${renderLabels(key)} ${value.count}`);
    }
  }
  return lines.join("\n") + "\n";
}

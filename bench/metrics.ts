/**
 * What counting costs, per operation: the server's own metrics registry
 * (lib/metrics/registry.ts) beside prom-client configured the same way
 * (same names, label sets and latency buckets), so the choice between them
 * (docs/scaling.md, "Metrics: why our own registry") can be checked again
 * on any machine or prom-client version. Every request pays for one
 * counter increment and one histogram observation (lib/http/base.ts); a
 * token response adds a labelled counter increment; a scrape merges the
 * threads' snapshots and renders the text format.
 *
 * Each operation runs in a tight loop; the figure is the lowest of several
 * rounds (the least disturbed by neighbours), as CPU ns per operation
 * (this process's user + system time) and wall ns per operation.
 *
 * ```sh
 * taskset -c 0 deno run -A bench/metrics.ts [--rounds 7]
 * ```
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import client from "prom-client";
import {
  LATENCY_BUCKETS,
  mergeSnapshots,
  Registry,
  renderPrometheus,
} from "../lib/metrics/registry.ts";

interface Cost {
  operation: string;
  ours: Sample;
  promClient: Sample;
}

interface Sample {
  cpuNs: number;
  wallNs: number;
}

/**
 * Lowest CPU and wall time per call of `op` over `rounds` rounds of `n`
 * calls. A promise `op` returns is awaited (prom-client renders
 * asynchronously); synchronous calls pay no await.
 */
async function measure(
  rounds: number,
  n: number,
  op: (i: number) => unknown,
): Promise<Sample> {
  let best: Sample = { cpuNs: Infinity, wallNs: Infinity };
  // Round 0 is the warm-up (JIT, series created) and is not counted.
  for (let r = 0; r <= rounds; r++) {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      const result = op(i);
      if (result instanceof Promise) await result;
    }
    const wallNs = (performance.now() - t0) * 1e6 / n;
    const cpu = process.cpuUsage(cpu0);
    const cpuNs = (cpu.user + cpu.system) * 1000 / n;
    if (r === 0) continue;
    best = {
      cpuNs: Math.min(best.cpuNs, cpuNs),
      wallNs: Math.min(best.wallNs, wallNs),
    };
  }
  return best;
}

const ROUTES = ["/token", "/introspect", "/userinfo", "/.well-known/jwks.json"];

/** Our registry with the server's metric families. */
function ourMetrics() {
  const registry = new Registry();
  return {
    registry,
    requests: registry.counter("oauth_http_requests_total", "Requests."),
    duration: registry.histogram(
      "oauth_http_request_duration_seconds",
      "Latency.",
    ),
    issued: registry.counter("oauth_tokens_issued_total", "Tokens."),
  };
}

/** prom-client with the same families, labels and buckets. */
function promMetrics() {
  const registry = new client.Registry();
  return {
    registry,
    requests: new client.Counter({
      name: "oauth_http_requests_total",
      help: "Requests.",
      labelNames: ["method", "route", "status"],
      registers: [registry],
    }),
    duration: new client.Histogram({
      name: "oauth_http_request_duration_seconds",
      help: "Latency.",
      labelNames: ["method", "route"],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    }),
    issued: new client.Counter({
      name: "oauth_tokens_issued_total",
      help: "Tokens.",
      labelNames: ["grant_type", "client_id"],
      registers: [registry],
    }),
  };
}

/** A latency spread over the buckets (0 to 10 ms). */
function latency(i: number): number {
  return (i % 200) / 20_000;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: { rounds: { type: "string", default: "7" } },
  });
  const rounds = Number(values.rounds);
  const N = 1_000_000;
  const costs: Cost[] = [];

  // Per request: what lib/http/base.ts requestRecorder does, with the
  // series of one route bound once (ours: bind(); prom-client: labels()).
  {
    const o = ourMetrics();
    const p = promMetrics();
    const oInc = o.requests.bind({ method: "GET", route: "/x", status: "200" });
    const oObs = o.duration.bind({ method: "GET", route: "/x" });
    const pInc = p.requests.labels({
      method: "GET",
      route: "/x",
      status: "200",
    });
    const pObs = p.duration.labels({ method: "GET", route: "/x" });
    costs.push({
      operation: "per request: counter inc + histogram observe (bound)",
      ours: await measure(rounds, N, (i) => {
        oInc();
        oObs(latency(i));
      }),
      promClient: await measure(rounds, N, (i) => {
        pInc.inc();
        pObs.observe(latency(i));
      }),
    });
    costs.push({
      operation: "counter inc (bound series)",
      ours: await measure(rounds, N, () => oInc()),
      promClient: await measure(rounds, N, () => pInc.inc()),
    });
    costs.push({
      operation: "histogram observe (bound series)",
      ours: await measure(rounds, N, (i) => oObs(latency(i))),
      promClient: await measure(rounds, N, (i) => pObs.observe(latency(i))),
    });
  }

  // Per token response: lib/oauth/token_endpoint.ts counts with labels.
  {
    const o = ourMetrics();
    const p = promMetrics();
    const clients = Array.from({ length: 50 }, (_, i) => `client-${i}`);
    costs.push({
      operation: "counter inc with 2 labels (50 clients)",
      ours: await measure(rounds, N, (i) =>
        o.issued.inc({
          grant_type: "client_credentials",
          client_id: clients[i % 50],
        })),
      promClient: await measure(rounds, N, (i) =>
        p.issued.inc({
          grant_type: "client_credentials",
          client_id: clients[i % 50],
        })),
    });
    costs.push({
      operation: "histogram observe with 2 labels",
      ours: await measure(rounds, N, (i) =>
        o.duration.observe(
          { method: "POST", route: ROUTES[i % 4] },
          latency(i),
        )),
      promClient: await measure(rounds, N, (i) =>
        p.duration.observe(
          { method: "POST", route: ROUTES[i % 4] },
          latency(i),
        )),
    });
  }

  // A scrape: two threads' metrics (40 routes x 3 statuses, 40 latency
  // series, 50 clients) merged and rendered as text.
  {
    const fill = (
      o: ReturnType<typeof ourMetrics>,
      p: ReturnType<typeof promMetrics>,
    ) => {
      for (let r = 0; r < 40; r++) {
        for (const status of ["200", "400", "401"]) {
          o.requests.inc({ method: "POST", route: `/r${r}`, status });
          p.requests.inc({ method: "POST", route: `/r${r}`, status });
        }
        o.duration.observe({ method: "POST", route: `/r${r}` }, 0.003);
        p.duration.observe({ method: "POST", route: `/r${r}` }, 0.003);
      }
      for (let c = 0; c < 50; c++) {
        o.issued.inc({ grant_type: "refresh_token", client_id: `c${c}` });
        p.issued.inc({ grant_type: "refresh_token", client_id: `c${c}` });
      }
    };
    const threads = [0, 1].map(() => {
      const o = ourMetrics();
      const p = promMetrics();
      fill(o, p);
      return { o, p };
    });
    const ourSnapshots = threads.map((t) => t.o.registry.snapshot());
    const promJSON = await Promise.all(
      threads.map((t) => t.p.registry.getMetricsAsJSON()),
    );
    const ours = await measure(
      rounds,
      200,
      () => renderPrometheus(mergeSnapshots(ourSnapshots)),
    );
    const promClient = await measure(
      rounds,
      200,
      () => client.AggregatorRegistry.aggregate(promJSON).metrics(),
    );
    costs.push({
      operation: "scrape: merge 2 threads + render (400 series)",
      ours,
      promClient,
    });
  }

  const width = Math.max(...costs.map((c) => c.operation.length));
  console.log(
    `${
      "operation".padEnd(width)
    } | ours CPU ns | prom-client CPU ns | ratio | ours wall ns | prom-client wall ns`,
  );
  for (const c of costs) {
    console.log(
      `${c.operation.padEnd(width)} | ${
        c.ours.cpuNs.toFixed(0).padStart(11)
      } | ${c.promClient.cpuNs.toFixed(0).padStart(18)} | ${
        (c.promClient.cpuNs / c.ours.cpuNs).toFixed(1).padStart(5)
      } | ${c.ours.wallNs.toFixed(0).padStart(12)} | ${
        c.promClient.wallNs.toFixed(0).padStart(19)
      }`,
    );
  }
}

if (import.meta.main) await main();

/**
 * Serving metrics in the Prometheus text format: GET /metrics (admin token)
 * on the main port, and optionally a loopback-only METRICS_PORT without
 * auth for a local scraper.
 * @module
 */
import { collectMetrics, threadsToAsk } from "./collect.ts";
import { renderPrometheus } from "./registry.ts";

export const PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The merged metrics of this server's threads as a response. */
export async function metricsResponse(workers: number): Promise<Response> {
  const snapshot = await collectMetrics(threadsToAsk(workers));
  return new Response(renderPrometheus(snapshot), {
    headers: { "Content-Type": PROMETHEUS_TYPE, "Cache-Control": "no-store" },
  });
}

/**
 * Serves /metrics on 127.0.0.1:`port`, gathering from `threads` server
 * threads (1: this thread's own registry).
 */
export function serveMetricsPort(
  port: number,
  threads: number,
): Deno.HttpServer {
  return Deno.serve(
    { hostname: "127.0.0.1", port, onListen: () => {} },
    async (req) => {
      if (new URL(req.url).pathname !== "/metrics") {
        return new Response("not found\n", { status: 404 });
      }
      const snapshot = await collectMetrics(threads);
      return new Response(renderPrometheus(snapshot), {
        headers: { "Content-Type": PROMETHEUS_TYPE },
      });
    },
  );
}

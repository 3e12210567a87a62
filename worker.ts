/**
 * One server thread of `deno task start` when WORKERS > 1: its own app and
 * database connection on the shared port (see lib/server.ts).
 */
/// <reference lib="deno.worker" />
import { loadConfig } from "./lib/config.ts";
import {
  answerMetricsRequests,
  stopAnsweringMetricsRequests,
} from "./lib/metrics/collect.ts";
import { type RunningServer, serveHere } from "./lib/server.ts";
import { manifest } from "./routes.gen.ts";

let running: RunningServer | null = null;

interface Message {
  type: "start" | "stop";
  checkpointsElsewhere?: boolean;
  sharedCounters?: SharedArrayBuffer;
}

self.onmessage = async (e: MessageEvent<Message>) => {
  try {
    if (e.data.type === "start") {
      const config = loadConfig(Deno.env.toObject());
      running = await serveHere(config, manifest, {
        reusePort: true,
        checkpointsElsewhere: e.data.checkpointsElsewhere,
        sharedCounters: e.data.sharedCounters,
      });
      answerMetricsRequests();
      self.postMessage({ type: "listening" });
    } else if (e.data.type === "stop") {
      stopAnsweringMetricsRequests();
      await running?.close();
      self.postMessage({ type: "stopped" });
    }
  } catch (err) {
    self.postMessage({
      type: "failed",
      error: err instanceof Error ? err.message : String(err),
    });
  }
};

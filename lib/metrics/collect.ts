/**
 * Answering for every server thread: with WORKERS > 1 each thread has its own
 * registry, so whoever serves /metrics asks the others over a
 * BroadcastChannel and adds up their snapshots.
 * @module
 */
import { registry } from "./metrics.ts";
import { mergeSnapshots, type Snapshot } from "./registry.ts";

const CHANNEL = "oauth-server-metrics";

interface Message {
  type: "collect" | "snapshot";
  id: string;
  snapshot?: Snapshot;
}

let responder: BroadcastChannel | null = null;

/** Makes this thread answer collection requests (server threads only). */
export function answerMetricsRequests(): void {
  if (responder) return;
  responder = new BroadcastChannel(CHANNEL);
  responder.onmessage = (e: MessageEvent<Message>) => {
    if (e.data.type !== "collect") return;
    responder!.postMessage(
      {
        type: "snapshot",
        id: e.data.id,
        snapshot: registry.snapshot(),
      } satisfies Message,
    );
  };
}

/**
 * How many threads a /metrics request on this thread should hear from: all
 * of them when this is one of several server threads, else just this one.
 */
export function threadsToAsk(workers: number): number {
  return responder ? workers : 1;
}

/** Stops answering (thread shutdown). */
export function stopAnsweringMetricsRequests(): void {
  responder?.close();
  responder = null;
}

/**
 * The metrics of all `threads` server threads, merged. With one thread (or
 * none answering in time) it is this thread's own registry.
 */
export async function collectMetrics(
  threads: number,
  timeoutMs = 1000,
): Promise<Snapshot> {
  if (threads <= 1) return registry.snapshot();
  const channel = new BroadcastChannel(CHANNEL);
  const id = crypto.randomUUID();
  const snapshots: Snapshot[] = [];
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      channel.onmessage = (e: MessageEvent<Message>) => {
        if (e.data.type !== "snapshot" || e.data.id !== id) return;
        snapshots.push(e.data.snapshot!);
        if (snapshots.length >= threads) {
          clearTimeout(timer);
          resolve();
        }
      };
      channel.postMessage({ type: "collect", id } satisfies Message);
    });
  } finally {
    channel.close();
  }
  return snapshots.length ? mergeSnapshots(snapshots) : registry.snapshot();
}

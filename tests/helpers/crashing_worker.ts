/**
 * A server thread as worker.ts runs it, with two routes for
 * tests/foundation/thread_death_test.ts: GET /__thread answers the
 * thread's name, and POST /__crash makes the thread die of an uncaught
 * error right after answering (a crash the server did not see coming).
 * With CRASH_AFTER_LISTEN in its environment the thread dies as soon as it
 * listens, every time (a thread that cannot stay up).
 */
import { define } from "../../lib/http/define.ts";
import { serveThread } from "../../lib/worker_pool.ts";
import { manifest } from "../../routes.gen.ts";

const scope = globalThis as unknown as {
  name: string;
  postMessage(message: { type: string }): void;
  addEventListener(
    type: "message",
    fn: (
      e: MessageEvent<{ type: string; env?: Record<string, string> }>,
    ) => void,
  ): void;
};

function crash(): void {
  setTimeout(() => {
    throw new Error(`crafted crash of ${scope.name}`);
  }, 10);
}

scope.addEventListener("message", (e) => {
  if (e.data.type !== "start" || !e.data.env?.CRASH_AFTER_LISTEN) return;
  const post = scope.postMessage.bind(scope);
  scope.postMessage = (message) => {
    post(message);
    if (message.type === "listening") crash();
  };
});

serveThread({
  ...manifest,
  routes: {
    ...manifest.routes,
    "./routes/__thread.ts": {
      handler: define.api({ GET: () => new Response(scope.name) }),
    },
    "./routes/__crash.ts": {
      handler: define.api({
        POST: () => {
          crash();
          return new Response(scope.name, { status: 202 });
        },
      }),
    },
  },
});

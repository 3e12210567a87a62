/**
 * One server thread of `deno task start` when WORKERS > 1: its own app and
 * database connection on the shared port (see lib/worker_pool.ts).
 */
import { serveThread } from "./lib/worker_pool.ts";
import { manifest } from "./routes.gen.ts";

serveThread(manifest);

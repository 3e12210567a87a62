/**
 * The SQLite checkpointer thread (see checkpointer.ts): its own connection
 * to the file, copying committed WAL pages back into the database on a
 * timer so the serving threads never do it inside a request.
 */
/// <reference lib="deno.worker" />
import { openSQLite } from "./sqlite_dialect.ts";

interface Start {
  type: "start";
  path: string;
  intervalMs: number;
}

let timer: ReturnType<typeof setInterval> | undefined;
let db: ReturnType<typeof openSQLite> | undefined;

self.onmessage = (e: MessageEvent<Start | { type: "stop" }>) => {
  if (e.data.type === "start") {
    const { path, intervalMs } = e.data;
    db = openSQLite(path);
    // PASSIVE never waits on readers or writers: it copies what it can now
    // and the next tick takes the rest.
    const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
    timer = setInterval(() => {
      try {
        checkpoint.get();
      } catch (err) {
        self.postMessage({ type: "error", error: String(err) });
      }
    }, intervalMs);
    self.postMessage({ type: "started" });
  } else {
    clearInterval(timer);
    db?.close();
    self.postMessage({ type: "stopped" });
  }
};

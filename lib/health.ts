/** Liveness of what the server depends on, for GET /healthz. */
import { sql } from "kysely";
import type { Deps } from "./deps.ts";

export interface Health {
  status: "ok" | "degraded";
  database: "ok" | "unavailable";
  engine: string;
}

/** Asks the database a trivial question; never throws. */
export async function checkHealth(deps: Deps): Promise<Health> {
  try {
    await sql`select 1`.execute(deps.db);
    return { status: "ok", database: "ok", engine: deps.engine };
  } catch (err) {
    deps.log.log("error", "health check failed", { err: String(err) });
    return { status: "degraded", database: "unavailable", engine: deps.engine };
  }
}

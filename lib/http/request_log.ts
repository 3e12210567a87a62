/**
 * One structured line per request: method, path (never the query string:
 * codes and tokens travel there), status, milliseconds.
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../log.ts";

export function requestLog(log: Logger): MiddlewareHandler {
  return async function requestLog(c, next) {
    const start = performance.now();
    await next();
    log.log("info", "request", {
      method: c.req.method,
      path: c.req.path.slice(0, 200),
      status: c.res.status,
      ms: Math.round((performance.now() - start) * 10) / 10,
    });
  };
}

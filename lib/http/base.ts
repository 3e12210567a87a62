/**
 * The one middleware every request passes through: hands the dependencies
 * to handlers, enforces the body limit, sends browsers to /setup until setup
 * is done, turns non-Error throws into errors, and sets the security headers
 * (a strict CSP unless the page set its own, nosniff, DENY framing, no
 * referrer, HSTS behind https). One layer instead of five: on the hottest
 * endpoints (JWKS, discovery) the middleware chain was most of the cost.
 * @module
 */
import type { ErrorHandler, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Deps } from "../deps.ts";
import type { AppEnv } from "./define.ts";
import { httpDuration, httpRequests } from "../metrics/metrics.ts";
import { HttpError } from "./http_error.ts";
import { wantsHTML } from "./request.ts";
import { contentSecurityPolicy } from "../security/csp.ts";
import { servedOverHTTPS } from "../config.ts";

export const MAX_BODY_BYTES = 1024 * 1024;

/** Paths a browser may reach before setup is done. */
const SETUP_EXEMPT = /^\/(setup|healthz|static\/|\.well-known\/)/;

/** Whether a GET of `path` by a browser goes to /setup until setup is done. */
export function setupRedirects(path: string): boolean {
  return !SETUP_EXEMPT.test(path);
}

/**
 * Whether this GET may have to go to /setup, so that the database must be
 * asked: a browser's (it wants HTML) on a path that redirects
 * (`pathRedirects`, from `setupRedirects`), while this thread has not yet
 * seen setup done. An API client is never redirected, so its GETs never
 * wait for a thread to learn that setup is done: a thread that never served
 * a browser never learns it.
 */
export function mayNeedSetupRedirect(
  deps: Deps,
  req: Request,
  pathRedirects: boolean,
): boolean {
  return pathRedirects && !deps.setup.isKnownComplete() && wantsHTML(req);
}

/**
 * Sets the headers every response carries: the CSP unless the page set its
 * own, nosniff, DENY framing, no referrer, COOP, and HSTS behind https.
 */
export function securityHeaderSetter(deps: Deps): (h: Headers) => void {
  const csp = contentSecurityPolicy();
  const hsts = servedOverHTTPS(deps.config);
  return (h) => {
    if (!h.has("Content-Security-Policy")) {
      h.set("Content-Security-Policy", csp);
    }
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    if (hsts) {
      h.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
  };
}

/** Counts a finished request; `route` is the pattern, not the path. */
export function recordRequest(
  method: string,
  route: string,
  status: number,
  start: number,
): void {
  httpRequests.inc({ method, route, status: String(status) });
  httpDuration.observe({ method, route }, (performance.now() - start) / 1000);
}

/**
 * `recordRequest` for one method and route, with the series keys worked out
 * once (per status, as statuses appear) instead of on every request.
 */
export function requestRecorder(
  method: string,
  route: string,
): (status: number, start: number) => void {
  const observe = httpDuration.bind({ method, route });
  const counters = new Map<number, () => void>();
  return (status, start) => {
    let inc = counters.get(status);
    if (!inc) {
      inc = httpRequests.bind({ method, route, status: String(status) });
      counters.set(status, inc);
    }
    inc();
    observe((performance.now() - start) / 1000);
  };
}

/** `onError` is the app's error handler, for failures raised in this layer. */
export function baseMiddleware(
  deps: Deps,
  onError: ErrorHandler<AppEnv>,
): MiddlewareHandler<AppEnv> {
  const setSecurityHeaders = securityHeaderSetter(deps);
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new HttpError(413, "request body is larger than 1 MiB");
    },
  });

  async function inner(
    c: Parameters<MiddlewareHandler<AppEnv>>[0],
    next: () => Promise<void>,
  ): Promise<Response | void> {
    const method = c.req.method;
    if (method === "GET" || method === "HEAD") {
      if (
        mayNeedSetupRedirect(deps, c.req.raw, setupRedirects(c.req.path)) &&
        !(await deps.setup.isComplete(deps.db))
      ) {
        return c.redirect("/setup", 303);
      }
      await next();
      return;
    }
    if (c.req.raw.body === null) await next();
    else await limitBody(c, next);
  }

  return async function base(c, next) {
    const start = performance.now();
    c.set("deps", deps);
    try {
      const early = await inner(c, next);
      if (early instanceof Response) c.res = early;
    } catch (thrown) {
      // Hono hands only Error instances to onError; anything else thrown (a
      // string, a plain object) would escape without our headers or body.
      // Answered here so the headers below go on error responses too.
      const err = thrown instanceof Error
        ? thrown
        : new Error(`non-Error thrown: ${String(thrown)}`, { cause: thrown });
      c.error = err;
      c.res = await onError(err, c);
    }
    setSecurityHeaders(c.res.headers);
    // The route pattern, not the path: /admin/clients/:client_id stays one
    // series however many clients there are.
    const route = c.res.status === 404 ? "(unmatched)" : c.req.routePath;
    recordRequest(c.req.method, route, c.res.status, start);
  };
}

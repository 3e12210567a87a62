/**
 * Direct dispatch for API routes (`define.api`): a request whose path and
 * method name one is answered here without building Hono's context or
 * running its middleware chain, which cost more than the work itself on the
 * hottest endpoints (discovery, JWKS, token, introspection, userinfo).
 *
 * It keeps every guarantee of the base middleware: the security headers, the
 * request metrics and log line, errors answered by the app's error handler,
 * CORS as the route declares it, the 1 MiB body limit. What it does not
 * answer goes to Hono instead (returns null): other methods (HEAD, OPTIONS,
 * 405s) and a browser's GET before setup is known complete (the setup
 * redirect).
 * @module
 */
import { Context, type ErrorHandler } from "hono";
import type { Deps } from "../deps.ts";
import { HttpError } from "./http_error.ts";
import {
  MAX_BODY_BYTES,
  mayNeedSetupRedirect,
  requestRecorder,
  securityHeaderSetter,
  setupRedirects,
} from "./base.ts";
import type { ApiContext, ApiHandler, ApiRoute, AppEnv } from "./define.ts";
import { requestIP, type ServeInfo } from "./request.ts";

interface DirectRoute {
  path: string;
  handlers: ApiRoute["handlers"];
  /** Metrics per method, their series keys worked out once. */
  record: Record<string, (status: number, start: number) => void>;
  /** Response headers for CORS, set on every answer (errors included). */
  cors: [string, string][];
  setupRedirects: boolean;
}

export type DirectDispatch = (
  req: Request,
  info: ServeInfo | undefined,
) => Promise<Response> | null;

/** The path of an absolute request URL, without the query. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const query = url.indexOf("?", start);
  return query < 0 ? url.slice(start) : url.slice(start, query);
}

function corsHeaders(route: ApiRoute): [string, string][] {
  if (!route.cors) return [];
  const headers: [string, string][] = [["Access-Control-Allow-Origin", "*"]];
  if (route.cors.exposeHeaders?.length) {
    headers.push([
      "Access-Control-Expose-Headers",
      route.cors.exposeHeaders.join(","),
    ]);
  }
  return headers;
}

function tooLarge(): HttpError {
  return new HttpError(413, "request body is larger than 1 MiB");
}

/**
 * The request with its body read into memory, refusing more than the limit
 * (a body sent without Content-Length: chunked, or built in-process).
 */
async function bufferedWithinLimit(req: Request): Promise<Request> {
  const reader = req.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.byteLength;
  }
  return new Request(req.url, {
    method: req.method,
    headers: req.headers,
    body,
  });
}

/**
 * What a handler gets besides the request. The address is worked out only
 * when read (by the endpoints that count failures per address). A class,
 * not an object literal with a getter: V8 keeps a literal's accessor where
 * a young-generation collection cannot free it, so the getter's closure
 * held each request's objects until the next full collection (measured:
 * 5-20 ms scavenges, a discovery p99 of 14 ms at 32 connections; 1.3 ms
 * with the class).
 */
class RequestContext implements ApiContext {
  readonly #req: Request;
  readonly #info: ServeInfo | undefined;

  constructor(
    readonly deps: Deps,
    req: Request,
    info: ServeInfo | undefined,
  ) {
    this.#req = req;
    this.#info = info;
  }

  get ip(): string | null {
    return requestIP(this.#req, this.#info, this.deps.config.trustedProxies);
  }
}

/** Builds the dispatcher for `routes`; `onError` is the app's handler. */
export function directDispatch(
  deps: Deps,
  routes: Map<string, ApiRoute>,
  onError: ErrorHandler<AppEnv>,
): DirectDispatch {
  const table = new Map<string, DirectRoute>();
  for (const [path, route] of routes) {
    const record: DirectRoute["record"] = Object.create(null);
    for (const method of Object.keys(route.handlers)) {
      record[method] = requestRecorder(method, path);
    }
    table.set(path, {
      path,
      handlers: route.handlers,
      record,
      cors: corsHeaders(route),
      setupRedirects: setupRedirects(path),
    });
  }
  const setSecurityHeaders = securityHeaderSetter(deps);
  const logRequests = deps.config.logRequests;

  async function run(
    route: DirectRoute,
    handler: ApiHandler,
    req: Request,
    info: ServeInfo | undefined,
  ): Promise<Response> {
    const start = performance.now();
    let res: Response;
    try {
      // Content-Length is believed only alone: with Transfer-Encoding too
      // the server reads the body chunked, whatever length it says. Only a
      // body without one is looked at here: touching `req.body` turns
      // the handler's `req.text()` into a read through a stream, a turn of
      // the event loop more (measured: p99 8 -> 14 ms at 32 connections).
      const length = req.headers.get("Content-Length");
      if (length !== null && !req.headers.has("Transfer-Encoding")) {
        if (!(Number(length) <= MAX_BODY_BYTES)) throw tooLarge();
      } else if (req.body !== null) {
        req = await bufferedWithinLimit(req);
      }
      res = await handler(req, new RequestContext(deps, req, info));
    } catch (thrown) {
      const err = thrown instanceof Error
        ? thrown
        : new Error(`non-Error thrown: ${String(thrown)}`, { cause: thrown });
      // Errors are rare: only now is a Hono context worth building, so the
      // app's one error handler (JSON or page, logging) answers them.
      const c = new Context<AppEnv>(req, { env: info, path: route.path });
      c.set("deps", deps);
      res = await onError(err, c);
    }
    const h = res.headers;
    for (const [name, value] of route.cors) h.set(name, value);
    setSecurityHeaders(h);
    route.record[req.method](res.status, start);
    if (logRequests) {
      deps.log.log("info", "request", {
        method: req.method,
        path: route.path,
        status: res.status,
        ms: Math.round((performance.now() - start) * 10) / 10,
      });
    }
    return res;
  }

  return (req, info) => {
    const route = table.get(pathOf(req.url));
    if (!route) return null;
    // Only these two: a method named like an Object.prototype member
    // ("constructor", "toString") must not find one; lib/app.tsx answers
    // the other methods.
    const method = req.method;
    if (method !== "GET" && method !== "POST") return null;
    const handler = route.handlers[method];
    if (!handler) return null;
    if (
      method === "GET" && mayNeedSetupRedirect(deps, req, route.setupRedirects)
    ) {
      return null;
    }
    return run(route, handler, req, info);
  };
}

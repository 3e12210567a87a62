/**
 * The application: global middleware, static files, the file routes from the
 * manifest, and one error handler that turns every failure into the right
 * status with a JSON body (API clients) or an HTML page (browsers), never a
 * stack trace.
 * @module
 */
import { Context, Hono } from "hono";
import type { FunctionComponent } from "preact";
import type { Deps } from "./deps.ts";
import type { AppEnv } from "./http/define.ts";
import { HttpError } from "./http/http_error.ts";
import { registerIslands } from "./http/islands.ts";
import {
  type ErrorPageProps,
  errorResponse,
  oauthErrorAnswer,
  registerErrorPage,
} from "./http/errors.tsx";
import { type LayoutProps, registerLayout } from "./http/render.tsx";
import { requestIP, type ServeInfo } from "./http/request.ts";
import { requestLog } from "./http/request_log.ts";
import { type Manifest, mountRoutes } from "./http/router.tsx";
import {
  baseMiddleware,
  recordRequest,
  securityHeaderSetter,
} from "./http/base.ts";
import { pageLookLoader } from "./http/page_look.ts";
import { directDispatch } from "./http/direct.ts";
import { staticFiles } from "./http/static_files.ts";
import { OAuthError } from "./oauth/errors.ts";
import { isDatabaseUnavailable } from "./db/unavailable.ts";

const STATIC_DIR = new URL("../static/", import.meta.url);

/** Methods Hono dispatches; any other is answered before it (405 or 404). */
const METHODS_SERVED = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
  "OPTIONS",
]);

/** The page shell or error page of the manifest (routes/_app.tsx, _error.tsx). */
function pageComponent<P>(
  manifest: Manifest,
  name: "_app" | "_error",
): FunctionComponent<P> {
  const page = manifest.routes[`./routes/${name}.tsx`]?.default;
  if (!page) throw new Error(`the manifest has no routes/${name}.tsx`);
  return page as FunctionComponent<P>;
}

/** Builds the Hono app over opened dependencies and a route manifest. */
export async function createApp(
  deps: Deps,
  manifest: Manifest,
): Promise<Hono<AppEnv>> {
  registerIslands(manifest.islands);
  registerLayout(pageComponent<LayoutProps>(manifest, "_app"));
  registerErrorPage(pageComponent<ErrorPageProps>(manifest, "_error"));
  const app = new Hono<AppEnv>();
  if (deps.config.logRequests) app.use("*", requestLog(deps.log));
  app.use("*", baseMiddleware(deps, handleError));
  app.use("*", pageLookLoader(deps));
  app.get("/static/*", await staticFiles(STATIC_DIR));
  const { allowedMethods, apiRoutes } = mountRoutes(app, manifest);

  /** 405 with Allow where the path has routes, else 404. */
  const notFound = (c: Context) => {
    const allowed = allowedMethods(c.req.path);
    if (allowed) {
      return errorResponse(c, 405, "method_not_allowed", "method not allowed", {
        Allow: allowed.join(", "),
      });
    }
    return errorResponse(c, 404, "not_found", "nothing is served at this path");
  };
  app.notFound(notFound);
  app.onError(handleError);

  // API routes skip Hono's context and middleware chain (lib/http/direct.ts);
  // everything else, and what direct dispatch declines, goes through Hono.
  // `app.fetch` is replaced, so servers, tests and app.request() all take
  // the same path.
  const direct = directDispatch(deps, apiRoutes, handleError);
  const honoFetch = app.fetch;
  const setSecurityHeaders = securityHeaderSetter(deps);
  const { floodCap } = deps;
  const trustedProxies = deps.config.trustedProxies;
  app.fetch = (req, env, executionCtx) => {
    // Before anything else reads the request (lib/security/request_flood.ts).
    if (
      floodCap.enabled &&
      !floodCap.admit(requestIP(req, env as ServeInfo, trustedProxies))
    ) {
      const res = floodAnswer();
      setSecurityHeaders(res.headers);
      recordRequest(req.method, "(limited)", 429, performance.now());
      return res;
    }
    // Any other method is answered here by the not-found handler (405
    // with Allow where the path exists, else 404): Hono's router
    // keeps handlers in plain objects and throws on a method named like an
    // Object.prototype member ("constructor"), a bare 500.
    if (!METHODS_SERVED.has(req.method)) {
      const path = new URL(req.url).pathname;
      const res = notFound(new Context(req, { env, path }));
      setSecurityHeaders(res.headers);
      return res;
    }
    return direct(req, env as ServeInfo | undefined) ??
      honoFetch(req, env, executionCtx);
  };
  return app;

  /** Over REQUESTS_PER_SECOND_PER_IP: the cheapest answer, never a page. */
  function floodAnswer(): Response {
    return new Response(
      JSON.stringify({
        error: "slow_down",
        error_description:
          "too many requests from this address; try again in a second",
      }),
      {
        status: 429,
        headers: {
          "Content-Type": "application/json",
          "Cache-Control": "no-store",
          "Retry-After": "1",
        },
      },
    );
  }

  function handleError(err: Error, c: Context<AppEnv>): Response {
    if (err instanceof OAuthError) return oauthErrorAnswer(c, err);
    if (err instanceof HttpError) {
      return errorResponse(
        c,
        err.status,
        err.code,
        err.message,
        err.options.headers,
        err.options.details,
      );
    }
    if (isDatabaseUnavailable(err)) {
      deps.log.log("error", "database unavailable", { err: String(err) });
      return errorResponse(
        c,
        503,
        "temporarily_unavailable",
        "the database is unavailable; try again shortly",
        { "Retry-After": "5" },
      );
    }
    deps.log.log("error", "unhandled error", {
      method: c.req.method,
      path: c.req.path,
      err: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    return errorResponse(
      c,
      500,
      "server_error",
      "the server failed to handle this request",
    );
  }
}

/**
 * File routes on Hono, in the manner of honox: each module in routes/ is
 * mounted at the URL its path names (`[param]` -> `:param`, `index` -> the
 * folder), its `handler` verbs become Hono handlers, a default component alone
 * becomes a GET page, and `_middleware.ts` applies to its folder and below.
 * @module
 */
import type { Hono } from "hono";
import { cors } from "hono/cors";
import {
  type ApiRoute,
  type AppEnv,
  type Handlers,
  isApiRoute,
  METHODS,
  type Middleware,
  type RouteModule,
} from "./define.ts";
import { renderPage } from "./render.tsx";
import { clientIP } from "./request.ts";

export interface Manifest {
  routes: Record<string, RouteModule>;
  islands: Record<string, unknown>;
}

/** `./routes/admin/clients/[client_id]/policy.ts` -> `/admin/clients/:client_id/policy`. */
export function routePath(file: string): string {
  const path = file.replace(/^\.\/routes/, "").replace(/\.(tsx?|jsx?)$/, "")
    .replace(/\/index$/, "").replace(/\[([A-Za-z0-9_]+)\]/g, ":$1");
  return path === "" ? "/" : path;
}

function isMiddlewareFile(file: string): boolean {
  return /\/_middleware\.(tsx?|jsx?)$/.test(file);
}

/** The page shell and error page (routes/_app.tsx, _error.tsx): not routes. */
function isAppFile(file: string): boolean {
  return /^\.\/routes\/_(app|error)\.(tsx?|jsx?)$/.test(file);
}

/** Static segments sort before parameters so `/a/new` wins over `/a/:id`. */
function specificity(path: string): string {
  return path.split("/").map((s) => (s.startsWith(":") ? "~" : s)).join("/");
}

/**
 * Answers which methods a path allows, for a 405 with `Allow`; null when no
 * route has this path at all (a 404).
 */
export type MethodLookup = (path: string) => string[] | null;

/** `/admin/clients/:client_id` -> a regex matching one concrete path. */
function pathPattern(path: string): RegExp {
  const escaped = path.split("/").map((seg) =>
    seg.startsWith(":") ? "[^/]+" : seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
  ).join("/");
  return new RegExp(`^${escaped}$`);
}

export interface MountedRoutes {
  /** For the not-found handler: 405 (with these methods) or 404. */
  allowedMethods: MethodLookup;
  /** API routes by exact path, for lib/http/direct.ts. */
  apiRoutes: Map<string, ApiRoute>;
}

/** CORS for an API route: any origin, since these endpoints use no cookies. */
function apiCors(route: ApiRoute): Middleware | null {
  if (!route.cors) return null;
  return cors({
    origin: "*",
    allowMethods: route.cors.allowMethods,
    allowHeaders: route.cors.allowHeaders,
    exposeHeaders: route.cors.exposeHeaders ?? [],
    maxAge: 86400,
  });
}

/** Mounts an API route on Hono too: HEAD, OPTIONS, 405 and unusual bodies. */
function mountApiRoute(app: Hono<AppEnv>, path: string, route: ApiRoute) {
  const corsMiddleware = apiCors(route);
  if (corsMiddleware) app.use(path, corsMiddleware);
  for (const [method, fn] of Object.entries(route.handlers)) {
    app.on(
      method,
      path,
      (c) => fn(c.req.raw, { deps: c.var.deps, ip: clientIP(c) }),
    );
  }
}

/**
 * Mounts every route and folder middleware of `manifest` on `app`; returns
 * the lookup the not-found handler uses to tell 405 from 404 (kept off the
 * router so matched requests pay nothing for it) and the API routes.
 */
export function mountRoutes(
  app: Hono<AppEnv>,
  manifest: Manifest,
): MountedRoutes {
  const files = Object.keys(manifest.routes);
  const middlewares = files.filter(isMiddlewareFile).sort((a, b) =>
    a.length - b.length
  );
  for (const file of middlewares) {
    const folder = routePath(file.replace(/\/_middleware\.(tsx?|jsx?)$/, ""));
    const fns = manifest.routes[file].handler;
    const list = (Array.isArray(fns) ? fns : [fns]) as Middleware[];
    for (const fn of list) {
      if (typeof fn !== "function") {
        throw new Error(`${file}: handler must be a middleware function`);
      }
      if (folder === "/") app.use("*", fn);
      else {
        app.use(folder, fn);
        app.use(`${folder}/*`, fn);
      }
    }
  }
  const pages = files.filter((f) => !isMiddlewareFile(f) && !isAppFile(f))
    .map((file) => ({ file, path: routePath(file) }))
    .sort((a, b) => {
      const x = specificity(a.path);
      const y = specificity(b.path);
      return x < y ? -1 : x > y ? 1 : 0;
    });
  const allowedByPattern: [RegExp, string[]][] = [];
  const apiRoutes = new Map<string, ApiRoute>();
  const middlewareFolders = middlewares.map((file) =>
    routePath(file.replace(/\/_middleware\.(tsx?|jsx?)$/, ""))
  );
  for (const { file, path } of pages) {
    const mod = manifest.routes[file];
    if (isApiRoute(mod.handler)) {
      // Direct dispatch runs no folder middleware, so none may apply.
      const folder = middlewareFolders.find((f) =>
        f === "/" || path === f || path.startsWith(`${f}/`)
      );
      if (folder !== undefined) {
        throw new Error(
          `${file}: an API route cannot sit under _middleware (${folder})`,
        );
      }
      const route = mod.handler;
      mountApiRoute(app, path, route);
      if (!path.includes(":")) apiRoutes.set(path, route);
      allowedByPattern.push([
        pathPattern(path),
        METHODS.filter((m) => m in route.handlers),
      ]);
      continue;
    }
    const handlers = (mod.handler ?? {}) as Handlers;
    const Page = mod.default;
    if (typeof handlers !== "object") {
      throw new Error(`${file}: handler must be an object of HTTP verbs`);
    }
    for (const method of METHODS) {
      const fn = handlers[method];
      if (fn) app.on(method, path, fn);
    }
    if (!handlers.GET && Page) {
      app.get(path, (c) => renderPage(c, <Page />, { title: Page.name }));
    }
    const allowed = METHODS.filter((m) => handlers[m] || (m === "GET" && Page));
    allowedByPattern.push([pathPattern(path), allowed]);
  }
  return {
    allowedMethods: (path) =>
      allowedByPattern.find(([pattern]) => pattern.test(path))?.[1] ?? null,
    apiRoutes,
  };
}

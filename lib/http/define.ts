/**
 * One typed helper for every route file, like Fresh's `createDefine<State>()`:
 * `define.handlers({ GET, POST })`, `define.middleware(fn)`, `define.page(C)`.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { FunctionComponent } from "preact";
import type { Branding } from "../branding/branding.ts";
import type { Deps } from "../deps.ts";
import type { SessionRow } from "../db/schema.ts";
import { OAuthError } from "../oauth/errors.ts";
import { oauthErrorResponse } from "../oauth/response.ts";

export interface AppEnv {
  Variables: {
    deps: Deps;
    /** The admin behind this request, once admin auth has run. */
    admin?: { actor: string; via: "token" | "session"; session?: SessionRow };
    /** The branding of the pages (lib/http/page_look.ts). */
    brand?: Branding;
    /** The request's `ui_locales`, where the protocol carries one. */
    uiLocales?: string;
  };
}

export type AppContext = Context<AppEnv>;
export type Handler = (c: AppContext) => Response | Promise<Response>;
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];
export type Handlers = Partial<Record<Method, Handler>>;
export type Middleware = MiddlewareHandler<AppEnv>;

/** What an API handler gets besides the request. */
export interface ApiContext {
  deps: Deps;
  /** The peer's address, or null when unknown. */
  ip: string | null;
}

export type ApiHandler = (
  req: Request,
  ctx: ApiContext,
) => Response | Promise<Response>;

/** Cross-origin access for an API route (any origin; no cookies involved). */
export interface ApiCors {
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders?: string[];
}

/**
 * A machine-facing endpoint (token, introspection, userinfo, discovery):
 * handlers of a Request alone, so the server can answer them without
 * building Hono's context (lib/http/direct.ts). Declared with `define.api`.
 */
export interface ApiRoute {
  readonly kind: "api";
  readonly handlers: Partial<Record<"GET" | "POST", ApiHandler>>;
  readonly cors?: ApiCors;
}

export function isApiRoute(value: unknown): value is ApiRoute {
  return typeof value === "object" && value !== null &&
    (value as ApiRoute).kind === "api";
}

/** What a file in routes/ may export. */
export interface RouteModule {
  handler?: Handlers | Middleware | Middleware[] | ApiRoute;
  // deno-lint-ignore no-explicit-any
  default?: FunctionComponent<any>;
}

/**
 * An API handler whose OAuthErrors become their RFC 6749 §5.2 / RFC 6750 §3
 * JSON answer: the one way out of every protocol endpoint, so handlers hold
 * no try/catch of their own. Anything else goes to the app's error handler.
 */
function answeringOAuthErrors(handler: ApiHandler): ApiHandler {
  return async function apiHandler(req, ctx) {
    try {
      return await handler(req, ctx);
    } catch (err) {
      if (err instanceof OAuthError) return oauthErrorResponse(err);
      throw err;
    }
  };
}

export const define = {
  handlers(handlers: Handlers): Handlers {
    return handlers;
  },
  /** An API route: `define.api({ POST: (req, ctx) => ... }, { cors })`. */
  api(
    handlers: ApiRoute["handlers"],
    options: { cors?: ApiCors } = {},
  ): ApiRoute {
    const wrapped: ApiRoute["handlers"] = {};
    if (handlers.GET) wrapped.GET = answeringOAuthErrors(handlers.GET);
    if (handlers.POST) wrapped.POST = answeringOAuthErrors(handlers.POST);
    return { kind: "api", handlers: wrapped, cors: options.cors };
  },
  middleware(fn: Middleware | Middleware[]): Middleware | Middleware[] {
    return fn;
  },
  page<P>(component: FunctionComponent<P>): FunctionComponent<P> {
    return component;
  },
};

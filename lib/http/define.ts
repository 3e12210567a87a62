/**
 * One typed helper for every route file, like Fresh's `createDefine<State>()`:
 * `define.handlers({ GET, POST })`, `define.middleware(fn)`, `define.page(C)`.
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import type { FunctionComponent } from "preact";
import type { Deps } from "../deps.ts";
import type { SessionRow } from "../db/schema.ts";

export interface AppEnv {
  Variables: {
    deps: Deps;
    /** The admin behind this request, once admin auth has run. */
    admin?: { actor: string; via: "token" | "session"; session?: SessionRow };
  };
}

export type AppContext = Context<AppEnv>;
export type Handler = (c: AppContext) => Response | Promise<Response>;
export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];
export type Handlers = Partial<Record<Method, Handler>>;
export type Middleware = MiddlewareHandler<AppEnv>;

/** What a file in routes/ may export. */
export interface RouteModule {
  handler?: Handlers | Middleware | Middleware[];
  // deno-lint-ignore no-explicit-any
  default?: FunctionComponent<any>;
}

export const define = {
  handlers(handlers: Handlers): Handlers {
    return handlers;
  },
  middleware(fn: Middleware | Middleware[]): Middleware | Middleware[] {
    return fn;
  },
  page<P>(component: FunctionComponent<P>): FunctionComponent<P> {
    return component;
  },
};

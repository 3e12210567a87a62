/**
 * Until first-time setup is done, every page a browser asks for redirects to
 * /setup. APIs, discovery, JWKS, static files and health are left alone
 * (the bootstrap ADMIN_TOKEN must keep working for the admin API).
 * @module
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./define.ts";
import { wantsHTML } from "./request.ts";

const EXEMPT = /^\/(setup|healthz|static\/|\.well-known\/)/;

export function setupRedirect(): MiddlewareHandler<AppEnv> {
  return async function setupRedirect(c, next) {
    if (
      (c.req.method === "GET" || c.req.method === "HEAD") &&
      !EXEMPT.test(c.req.path) && wantsHTML(c.req.raw)
    ) {
      const { db, setup } = c.var.deps;
      if (!(await setup.isComplete(db))) return c.redirect("/setup", 303);
    }
    await next();
  };
}

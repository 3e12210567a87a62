import { cors } from "hono/cors";
import { define } from "../../lib/http/define.ts";

/**
 * Browser apps (SPAs) call /userinfo cross-origin with a bearer token and no
 * cookies, so any origin may; the preflight allows the Authorization header,
 * and WWW-Authenticate is exposed so the app can read the RFC 6750 error.
 */
export const handler = define.middleware(cors({
  origin: "*",
  allowMethods: ["GET", "POST"],
  allowHeaders: ["Authorization", "Content-Type"],
  exposeHeaders: ["WWW-Authenticate"],
  maxAge: 86400,
}));

import { cors } from "hono/cors";
import { define } from "../../lib/http/define.ts";

/**
 * Public clients in the browser (SPAs) redeem codes and refresh tokens
 * cross-origin. The token endpoint uses no cookies, so allowing any origin
 * grants nothing: the client still proves itself with PKCE or its secret.
 */
export const handler = define.middleware(cors({
  origin: "*",
  allowMethods: ["POST"],
  allowHeaders: ["Authorization", "Content-Type"],
  maxAge: 86400,
}));

import { define } from "../lib/http/define.ts";
import { clientIP } from "../lib/http/request.ts";
import { introspectionEndpoint } from "../lib/oauth/introspection.ts";

export const handler = define.handlers({
  POST: (c) => introspectionEndpoint(c.var.deps, c.req.raw, clientIP(c)),
});

import { define } from "../../lib/http/define.ts";
import { clientIP } from "../../lib/http/request.ts";
import { tokenEndpoint } from "../../lib/oauth/token_endpoint.ts";

export const handler = define.handlers({
  POST: (c) => tokenEndpoint(c.var.deps, c.req.raw, clientIP(c)),
});

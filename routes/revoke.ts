import { define } from "../lib/http/define.ts";
import { clientIP } from "../lib/http/request.ts";
import { revocationEndpoint } from "../lib/oauth/revocation.ts";

export const handler = define.handlers({
  POST: (c) => revocationEndpoint(c.var.deps, c.req.raw, clientIP(c)),
});

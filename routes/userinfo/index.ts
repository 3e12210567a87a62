import { define } from "../../lib/http/define.ts";
import { userinfoEndpoint } from "../../lib/oidc/userinfo.ts";

/** OIDC Core §5.3: GET and POST both answer the UserInfo claims. */
export const handler = define.handlers({
  GET: (c) => userinfoEndpoint(c.req.raw, c.var.deps),
  POST: (c) => userinfoEndpoint(c.req.raw, c.var.deps),
});

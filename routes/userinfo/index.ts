import { define } from "../../lib/http/define.ts";
import { userinfoEndpoint } from "../../lib/oidc/userinfo.ts";

/**
 * OIDC Core §5.3: GET and POST both answer the UserInfo claims. Browser apps
 * (SPAs) call it cross-origin with a bearer token and no cookies, so any
 * origin may; the preflight allows the Authorization header, and
 * WWW-Authenticate is exposed so the app can read the RFC 6750 error.
 */
export const handler = define.api({
  GET: (req, { deps }) => userinfoEndpoint(req, deps),
  POST: (req, { deps }) => userinfoEndpoint(req, deps),
}, {
  cors: {
    allowMethods: ["GET", "POST"],
    allowHeaders: ["Authorization", "Content-Type"],
    exposeHeaders: ["WWW-Authenticate"],
  },
});

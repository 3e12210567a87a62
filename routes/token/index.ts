import { define } from "../../lib/http/define.ts";
import { tokenEndpoint } from "../../lib/provider.ts";

/**
 * Public clients in the browser (SPAs) redeem codes and refresh tokens
 * cross-origin. The token endpoint uses no cookies, so allowing any origin
 * grants nothing: the client still proves itself with PKCE or its secret.
 */
export const handler = define.api({
  POST: (req, { deps, ip }) => tokenEndpoint(deps, req, ip),
}, {
  cors: {
    allowMethods: ["POST"],
    allowHeaders: ["Authorization", "Content-Type"],
  },
});

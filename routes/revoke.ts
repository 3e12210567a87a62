import { define } from "../lib/http/define.ts";
import { revocationEndpoint } from "../lib/oauth/revocation.ts";

/**
 * A browser app revokes its own tokens cross-origin at sign-out (RFC 7009
 * §2.1 does not forbid it), like it redeems them at /token: no cookies are
 * involved, so allowing any origin grants nothing.
 */
export const handler = define.api({
  POST: (req, { deps, ip }) => revocationEndpoint(deps, req, ip),
}, {
  cors: {
    allowMethods: ["POST"],
    allowHeaders: ["Authorization", "Content-Type"],
  },
});

import { define } from "../../lib/http/define.ts";
import { registrationEndpoint } from "../../lib/oauth/clients/dynamic_registration.ts";

/**
 * RFC 7591 §3: clients register themselves (MCP clients in browsers too,
 * hence any origin: no cookie is involved, and the policy, the budget and
 * the initial access token decide who may).
 */
export const handler = define.api({
  POST: (req, { deps, ip }) => registrationEndpoint(deps, req, ip),
}, {
  cors: {
    allowMethods: ["POST"],
    allowHeaders: ["Authorization", "Content-Type"],
  },
});

import { define } from "../lib/http/define.ts";
import { revocationEndpoint } from "../lib/oauth/revocation.ts";

export const handler = define.api({
  POST: (req, { deps, ip }) => revocationEndpoint(deps, req, ip),
});

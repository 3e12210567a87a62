import { define } from "../lib/http/define.ts";
import { introspectionEndpoint } from "../lib/oauth/introspection.ts";

export const handler = define.api({
  POST: (req, { deps, ip }) => introspectionEndpoint(deps, req, ip),
});

import { define } from "../../lib/http/define.ts";
import { discoveryJSON } from "../../lib/oidc/discovery.ts";

export const handler = define.api({
  GET: async (_req, { deps }) =>
    new Response(await discoveryJSON(deps), {
      headers: {
        "Content-Type": "application/json",
        "Cache-Control": "public, max-age=60",
        "Access-Control-Allow-Origin": "*",
      },
    }),
});

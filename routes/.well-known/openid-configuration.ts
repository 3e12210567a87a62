import { define } from "../../lib/http/define.ts";
import { discoveryJSON } from "../../lib/oidc/discovery.ts";

export const handler = define.handlers({
  GET: async (c) =>
    new Response(await discoveryJSON(c.var.deps), {
      headers: {
        "Content-Type": "application/json",
        "Cache-Control": "public, max-age=60",
        "Access-Control-Allow-Origin": "*",
      },
    }),
});

import { define } from "../../lib/http/define.ts";

export const handler = define.handlers({
  GET: async (c) =>
    new Response(await c.var.deps.keys.jwksJSON(), {
      headers: {
        "Content-Type": "application/jwk-set+json",
        "Cache-Control": "public, max-age=60",
        "Access-Control-Allow-Origin": "*",
      },
    }),
});

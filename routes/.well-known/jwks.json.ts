import { define } from "../../lib/http/define.ts";

export const handler = define.api({
  GET: async (_req, { deps }) =>
    new Response(await deps.keys.jwksJSON(), {
      headers: {
        "Content-Type": "application/jwk-set+json",
        "Cache-Control": "public, max-age=60",
        "Access-Control-Allow-Origin": "*",
      },
    }),
});

import { define } from "../../lib/http/define.ts";
import { conditionalJSON } from "../../lib/http/conditional.ts";

/**
 * The JWKS, cached by relying parties for `JWKS_MAX_AGE` (a rotated key
 * signs only after that: lib/key_schedule.ts), revalidated by ETag. Any
 * origin may read it (browser apps verifying ID tokens).
 */
export const handler = define.api({
  GET: async (req, { deps }) => {
    const { json, etag } = await deps.keys.jwksDocument();
    return conditionalJSON(req, json, etag, {
      "Content-Type": "application/jwk-set+json",
      "Cache-Control": `public, max-age=${deps.config.jwksMaxAge}`,
    });
  },
}, {
  cors: {
    allowMethods: ["GET"],
    allowHeaders: ["If-None-Match"],
    exposeHeaders: ["ETag"],
  },
});

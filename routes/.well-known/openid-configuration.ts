import { define } from "../../lib/http/define.ts";
import { conditionalJSON } from "../../lib/http/conditional.ts";
import { discoveryBody } from "../../lib/oidc/discovery.ts";

/** OIDC Discovery 1.0 §4: any origin may read it; revalidated by ETag. */
export const handler = define.api({
  GET: async (req, { deps }) => {
    const { json, etag } = await discoveryBody(deps);
    return conditionalJSON(req, json, etag, {
      "Content-Type": "application/json",
      "Cache-Control": "public, max-age=60",
    });
  },
}, {
  cors: {
    allowMethods: ["GET"],
    allowHeaders: ["If-None-Match"],
    exposeHeaders: ["ETag"],
  },
});

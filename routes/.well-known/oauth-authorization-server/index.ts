import { define } from "../../../lib/http/define.ts";
import { conditionalJSON } from "../../../lib/http/conditional.ts";
import { oauthServerMetadataBody } from "../../../lib/oauth/server_metadata.ts";

/** RFC 8414 §3: any origin may read it; revalidated by ETag. */
export const handler = define.api({
  GET: async (req, { deps }) => {
    const { json, etag } = await oauthServerMetadataBody(deps);
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

import { define } from "../../../lib/http/define.ts";
import { conditionalJSON } from "../../../lib/http/conditional.ts";
import {
  issuerPath,
  oauthServerMetadataBody,
} from "../../../lib/oauth/server_metadata.ts";

const PREFIX = "/.well-known/oauth-authorization-server";

/**
 * RFC 8414 §3.1: for an issuer with a path (https://example.com/tenant),
 * the metadata is at /.well-known/oauth-authorization-server/tenant; any
 * other path is not this issuer's.
 */
export const handler = define.api({
  GET: async (req, { deps }) => {
    const suffix = new URL(req.url).pathname.slice(PREFIX.length);
    if (suffix !== issuerPath(deps.config.issuer)) {
      return Response.json({ error: "not_found" }, { status: 404 });
    }
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

import { servedAdminOpenAPI } from "../../lib/admin/openapi/document.ts";
import { define } from "../../lib/http/define.ts";

/**
 * The admin API's OpenAPI 3.1 description, behind admin auth like the API
 * it describes (the same text is public in docs/openapi.json; here it names
 * this server).
 */
export const handler = define.handlers({
  GET: (c) =>
    c.body(servedAdminOpenAPI(c.var.deps.config.issuer), 200, {
      "Content-Type": "application/json",
      "Cache-Control": "no-store",
    }),
});

import { adminAuth } from "../../lib/admin/admin_auth.ts";
import { define } from "../../lib/http/define.ts";
import { HttpError } from "../../lib/http/http_error.ts";

/** /dev/* exists only with ENABLE_DEV_ENDPOINTS, and still needs the admin token. */
export const handler = define.middleware([
  async function devEndpointsEnabled(c, next) {
    if (!c.var.deps.config.enableDevEndpoints) {
      throw new HttpError(404, "nothing is served at this path");
    }
    await next();
  },
  adminAuth(),
]);

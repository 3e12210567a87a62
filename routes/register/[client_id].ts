import type { AppContext } from "../../lib/http/define.ts";
import { define } from "../../lib/http/define.ts";
import { registrationManagement } from "../../lib/oauth/clients/dynamic_registration.ts";
import { OAuthError } from "../../lib/oauth/errors.ts";
import { oauthErrorResponse } from "../../lib/oauth/response.ts";

/** RFC 7592 §2: read, update or delete a dynamically registered client. */
async function manage(c: AppContext): Promise<Response> {
  try {
    return await registrationManagement(
      c.var.deps,
      c.req.raw,
      c.req.param("client_id") ?? "",
    );
  } catch (err) {
    // RFC 7592 §2: errors are RFC 6750 / RFC 7591 JSON, for machines.
    if (err instanceof OAuthError) return oauthErrorResponse(err);
    throw err;
  }
}

export const handler = define.handlers({
  GET: manage,
  PUT: manage,
  DELETE: manage,
});

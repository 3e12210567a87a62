import { logoResponse } from "../../lib/branding/assets.ts";
import { currentBranding } from "../../lib/branding/branding.ts";
import { define } from "../../lib/http/define.ts";

/** The stored logo, served from this origin under its own strict CSP. */
export const handler = define.api({
  GET: async (req, { deps }) =>
    logoResponse(req, await currentBranding(deps.db)),
});

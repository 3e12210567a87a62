import { themeResponse } from "../../lib/branding/assets.ts";
import { currentBranding } from "../../lib/branding/branding.ts";
import { define } from "../../lib/http/define.ts";

/** The accent colour as the custom properties static/app.css reads. */
export const handler = define.api({
  GET: async (req, { deps }) =>
    themeResponse(req, await currentBranding(deps.db)),
});

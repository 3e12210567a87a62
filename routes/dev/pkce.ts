import { define } from "../../lib/http/define.ts";
import { generatePKCE } from "../../lib/oauth/pkce.ts";

export const handler = define.handlers({
  GET: (c) =>
    c.json({ ...generatePKCE(), method: "S256" }, 200, {
      "Cache-Control": "no-store",
    }),
});

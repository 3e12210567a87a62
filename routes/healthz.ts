import { define } from "../lib/http/define.ts";
import { checkHealth } from "../lib/health.ts";

export const handler = define.handlers({
  GET: async (c) => {
    const health = await checkHealth(c.var.deps);
    return c.json(health, health.status === "ok" ? 200 : 503, {
      "Cache-Control": "no-store",
    });
  },
});

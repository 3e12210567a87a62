import { define } from "../../lib/http/define.ts";
import { metricsResponse } from "../../lib/metrics/exposition.ts";

export const handler = define.handlers({
  GET: (c) => metricsResponse(c.var.deps.config.workers),
});

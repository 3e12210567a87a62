import { adminAuth } from "../../lib/admin/admin_auth.ts";
import { define } from "../../lib/http/define.ts";

/** /metrics needs the admin token (or use METRICS_PORT on loopback). */
export const handler = define.middleware(adminAuth());

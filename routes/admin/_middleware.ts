import { adminAuth } from "../../lib/admin/admin_auth.ts";
import { define } from "../../lib/http/define.ts";

export const handler = define.middleware(
  adminAuth({ publicPaths: ["/admin/login"], allowSession: true }),
);

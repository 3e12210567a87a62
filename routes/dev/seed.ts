import { insertAuditEvent } from "../../lib/db/audit_events.ts";
import { seedDemoData } from "../../lib/dev/seed.ts";
import { define } from "../../lib/http/define.ts";
import { clientIP } from "../../lib/http/request.ts";

export const handler = define.handlers({
  async GET(c) {
    const { deps } = c.var;
    const result = await seedDemoData(deps);
    await insertAuditEvent(deps.db, {
      actor: c.var.admin?.actor ?? "admin-token",
      action: "dev.seed",
      targetType: "server",
      ip: clientIP(c),
      detail: { ...result },
    }, deps.now());
    return c.json({ ok: true, ...result }, 200, {
      "Cache-Control": "no-store",
    });
  },
});

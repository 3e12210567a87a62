import { insertAuditEvent } from "../../lib/db/audit_events.ts";
import { define } from "../../lib/http/define.ts";
import { readJSON } from "../../lib/http/json_body.ts";
import { clientIP } from "../../lib/http/request.ts";
import { createClientFromJSON } from "../../lib/dev/create_client.ts";

export const handler = define.handlers({
  async POST(c) {
    const { deps } = c.var;
    const client = await createClientFromJSON(
      deps.db,
      await readJSON(c.req.raw),
      deps.now(),
    );
    await insertAuditEvent(deps.db, {
      actor: c.var.admin?.actor ?? "admin-token",
      action: "client.created",
      targetType: "client",
      targetID: client.client_id,
      ip: clientIP(c),
    }, deps.now());
    return c.json(client, 201, { "Cache-Control": "no-store" });
  },
});

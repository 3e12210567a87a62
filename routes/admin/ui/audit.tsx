import {
  type AuditFilters,
  AuditPage,
} from "../../../components/admin/AuditPage.tsx";
import { listAudit } from "../../../lib/admin/audit_admin.ts";
import { adminPage } from "../../../lib/admin/ui/page.tsx";
import { define } from "../../../lib/http/define.ts";

const FILTERS = [
  "action",
  "actor",
  "ip",
  "target_type",
  "target_id",
  "since",
  "until",
  "limit",
] as const;

export const handler = define.handlers({
  async GET(c) {
    const filters: AuditFilters = {};
    for (const name of FILTERS) {
      const value = c.req.query(name)?.trim();
      if (value) filters[name] = value;
    }
    const before = c.req.query("before") || undefined;
    const data = await listAudit(c.var.deps.db, {
      ...filters,
      ...(before ? { before } : {}),
    });
    return adminPage(
      c,
      "Audit log",
      <AuditPage data={data} filters={filters} paged={before !== undefined} />,
    );
  },
});

/** audit_events: who did what to which object, when, from where. */
import type { AuditEventRow, DB } from "./schema.ts";

export interface NewAuditEvent {
  actor: string;
  action: string;
  targetType: string;
  targetID?: string | null;
  ip?: string | null;
  detail?: Record<string, unknown>;
}

export async function insertAuditEvent(
  db: DB,
  event: NewAuditEvent,
  now: number,
): Promise<void> {
  await db.insertInto("audit_events").values({
    id: crypto.randomUUID(),
    actor: event.actor,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetID ?? null,
    ip: event.ip ?? null,
    detail: JSON.stringify(event.detail ?? {}),
    created_at: now,
  }).execute();
}

export async function listAuditEvents(
  db: DB,
  options: { limit?: number; before?: number } = {},
): Promise<AuditEventRow[]> {
  let q = db.selectFrom("audit_events").selectAll();
  if (options.before !== undefined) {
    q = q.where("created_at", "<", options.before);
  }
  return await q.orderBy("created_at", "desc").limit(options.limit ?? 100)
    .execute();
}

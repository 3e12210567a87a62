/**
 * The audit log as the admin API shows it: every admin write records who did
 * what to which object, from where (in the transaction of the change), and
 * `GET /admin/audit` pages through it newest first.
 * @module
 */
import {
  type AuditCursor,
  insertAuditEvent,
  listAuditEventsPage,
} from "../db/audit_events.ts";
import type { AuditEventRow, DB } from "../db/schema.ts";
import { parseWith } from "../http/json_body.ts";
import type { AdminActor } from "./admin_http.ts";
import { AuditQuery } from "./schemas.ts";

export interface AuditEventView {
  id: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  ip: string | null;
  detail: Record<string, unknown>;
  created_at: number;
}

export interface AuditPage {
  events: AuditEventView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next_before: string | null;
}

/** What changed, for `recordAdminEvent`. Never put a secret in `detail`. */
export interface AdminEvent {
  action: string;
  targetType: string;
  targetID: string | null;
  detail?: Record<string, unknown>;
}

/** Writes one audit event for an admin change (pass the change's transaction). */
export async function recordAdminEvent(
  db: DB,
  who: AdminActor,
  event: AdminEvent,
  now: number,
): Promise<void> {
  await insertAuditEvent(db, {
    actor: who.actor,
    action: event.action,
    targetType: event.targetType,
    targetID: event.targetID,
    ip: who.ip,
    detail: event.detail,
  }, now);
}

function toView(row: AuditEventRow): AuditEventView {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(row.detail) ?? {};
  } catch {
    detail = {};
  }
  return {
    id: row.id,
    actor: row.actor,
    action: row.action,
    target_type: row.target_type,
    target_id: row.target_id,
    ip: row.ip,
    detail,
    created_at: row.created_at,
  };
}

function parseCursor(value: string | undefined): AuditCursor | undefined {
  if (value === undefined) return undefined;
  const dot = value.indexOf(".");
  if (dot < 0) return { createdAt: Number(value) };
  return { createdAt: Number(value.slice(0, dot)), id: value.slice(dot + 1) };
}

/**
 * One page of the audit log, newest first. `before` is epoch seconds (events
 * strictly older) or the `next_before` cursor of the previous page.
 */
export async function listAudit(
  db: DB,
  query: Record<string, string>,
): Promise<AuditPage> {
  const q = parseWith(AuditQuery, query);
  const rows = await listAuditEventsPage(db, {
    limit: q.limit + 1,
    before: parseCursor(q.before),
    action: q.action,
    targetType: q.target_type,
    targetID: q.target_id,
    actor: q.actor,
    ip: q.ip,
    since: q.since,
    until: q.until,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    events: page.map(toView),
    next_before: rows.length > q.limit && last
      ? `${last.created_at}.${last.id}`
      : null,
  };
}

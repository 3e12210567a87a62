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

let lastMillis = 0;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562 §5.7): millisecond time first, so ids sort in the order
 * events were written, even within the same second of `created_at`; a
 * per-process counter in rand_a keeps that order within one millisecond.
 */
export function auditEventID(): string {
  const now = Date.now();
  if (now === lastMillis) sequence = (sequence + 1) & 0xfff;
  else {
    lastMillis = now;
    sequence = crypto.getRandomValues(new Uint16Array(1))[0] & 0x7ff;
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let t = now;
  for (let i = 5; i >= 0; i--) {
    bytes[i] = t % 256;
    t = Math.floor(t / 256);
  }
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${
    hex.slice(16, 20)
  }-${hex.slice(20)}`;
}

/**
 * PostgreSQL text cannot hold a NUL, and some values come from requests
 * (a username tried at sign-in): NULs become U+FFFD. (`detail` is JSON,
 * which writes a NUL as the escape `\u0000`.)
 */
function storable(value: string): string;
function storable(value: string | null): string | null;
function storable(value: string | null): string | null {
  return value === null ? null : value.replaceAll("\0", "\uFFFD");
}

export async function insertAuditEvent(
  db: DB,
  event: NewAuditEvent,
  now: number,
): Promise<void> {
  await db.insertInto("audit_events").values({
    id: auditEventID(),
    actor: storable(event.actor),
    action: event.action,
    target_type: event.targetType,
    target_id: storable(event.targetID ?? null),
    ip: storable(event.ip ?? null),
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

/** Where a page of audit events starts: strictly older than this event. */
export interface AuditCursor {
  createdAt: number;
  /** Breaks ties within one second; without it the whole second is skipped. */
  id?: string;
}

export interface AuditPageOptions {
  limit: number;
  before?: AuditCursor;
  action?: string;
  targetType?: string;
  targetID?: string;
  actor?: string;
  ip?: string;
  /** Epoch seconds, inclusive. */
  since?: number;
  /** Epoch seconds, exclusive. */
  until?: number;
}

/** Audit events newest first, ordered by (created_at, id) for stable paging. */
export async function listAuditEventsPage(
  db: DB,
  options: AuditPageOptions,
): Promise<AuditEventRow[]> {
  let q = db.selectFrom("audit_events").selectAll();
  const before = options.before;
  if (before !== undefined) {
    const id = before.id;
    q = id === undefined
      ? q.where("created_at", "<", before.createdAt)
      : q.where((eb) =>
        eb.or([
          eb("created_at", "<", before.createdAt),
          eb.and([
            eb("created_at", "=", before.createdAt),
            eb("id", "<", id),
          ]),
        ])
      );
  }
  if (options.action !== undefined) q = q.where("action", "=", options.action);
  if (options.targetType !== undefined) {
    q = q.where("target_type", "=", options.targetType);
  }
  if (options.targetID !== undefined) {
    q = q.where("target_id", "=", options.targetID);
  }
  if (options.actor !== undefined) q = q.where("actor", "=", options.actor);
  if (options.ip !== undefined) q = q.where("ip", "=", options.ip);
  if (options.since !== undefined) {
    q = q.where("created_at", ">=", options.since);
  }
  if (options.until !== undefined) {
    q = q.where("created_at", "<", options.until);
  }
  return await q.orderBy("created_at", "desc").orderBy("id", "desc")
    .limit(options.limit).execute();
}

/** The audit log, newest first, a page at a time. Server-only. */
import type { VNode } from "preact";
import { TextField } from "../../islands/_shared/fields.tsx";
import type { AuditPage as AuditData } from "../../lib/admin/audit_admin.ts";
import { Empty, PageHeader, TableWrap, Time } from "./common.tsx";

export const AUDIT_PAGE = "/admin/ui/audit";

export interface AuditFilters {
  action?: string;
  actor?: string;
  ip?: string;
  target_type?: string;
  target_id?: string;
  /** Epoch seconds. */
  since?: string;
  until?: string;
  limit?: string;
}

export interface AuditPageProps {
  data: AuditData;
  filters: AuditFilters;
  /** The page shown is not the newest. */
  paged: boolean;
}

function link(filters: AuditFilters, before?: string): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
  if (before) q.set("before", before);
  const s = q.toString();
  return s ? `${AUDIT_PAGE}?${s}` : AUDIT_PAGE;
}

function detail(d: Record<string, unknown>): string {
  const text = JSON.stringify(d);
  return text === "{}" ? "" : text;
}

export function AuditPage({ data, filters, paged }: AuditPageProps): VNode {
  return (
    <>
      <PageHeader
        title="Audit log"
        lead="Who changed what, from where, newest first. Every admin write is recorded with the change itself; so are sign-ins (sign_in.succeeded, sign_in.failed), failed admin tokens (admin.token_failed, admin.login_failed) and wrong setup codes (setup.failed)."
      />
      <section class="card" aria-labelledby="audit-filter">
        <h2 id="audit-filter" class="sr-only">Filter</h2>
        <form method="get" action={AUDIT_PAGE} class="filters">
          <TextField
            id="audit-action"
            name="action"
            label="Action"
            placeholder="client.created"
            value={filters.action ?? ""}
          />
          <TextField
            id="audit-actor"
            name="actor"
            label="Actor"
            placeholder="user:alice"
            value={filters.actor ?? ""}
          />
          <TextField
            id="audit-ip"
            name="ip"
            label="Address"
            placeholder="203.0.113.5"
            value={filters.ip ?? ""}
          />
          <TextField
            id="audit-target-type"
            name="target_type"
            label="Target type"
            placeholder="client"
            value={filters.target_type ?? ""}
          />
          <TextField
            id="audit-target-id"
            name="target_id"
            label="Target ID"
            value={filters.target_id ?? ""}
          />
          <TextField
            id="audit-since"
            name="since"
            label="Since (UTC)"
            type="datetime-local"
            value={filters.since ?? ""}
          />
          <TextField
            id="audit-until"
            name="until"
            label="Until (UTC)"
            type="datetime-local"
            value={filters.until ?? ""}
          />
          <button type="submit" class="secondary">Filter</button>
        </form>
      </section>
      <section class="card" aria-labelledby="events">
        <h2 id="events">Events</h2>
        {data.events.length === 0
          ? <Empty>No events.</Empty>
          : (
            <TableWrap label="Audit events">
              <table class="stack">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Detail</th>
                  </tr>
                </thead>
                <tbody>
                  {data.events.map((e) => (
                    <tr key={e.id}>
                      <td data-label="When">
                        <Time at={e.created_at} />
                      </td>
                      <td data-label="Action">
                        <code class="nowrap">{e.action}</code>
                        <br />
                        <span class="muted small">
                          by {e.actor}
                          {e.ip && ` from ${e.ip}`}
                        </span>
                      </td>
                      <td data-label="Target">
                        {e.target_type}
                        {e.target_id && (
                          <>
                            <br />
                            <code class="tokens">{e.target_id}</code>
                          </>
                        )}
                      </td>
                      <td data-label="Detail" class="detail">
                        {detail(e.detail)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
        <nav class="pager" aria-label="Audit log pages">
          {paged ? <a href={link(filters)}>Newest events</a> : <span />}
          {data.next_before && (
            <a href={link(filters, data.next_before)} rel="next">
              Older events
            </a>
          )}
        </nav>
      </section>
    </>
  );
}

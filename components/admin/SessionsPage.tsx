/** Signed-in user sessions, with revoke. Server-only. */
import type { VNode } from "preact";
import ConfirmButton from "../../islands/ConfirmButton.tsx";
import { describeUserAgent } from "../../lib/accounts/user_agent.ts";
import type { SessionView } from "../../lib/admin/sessions_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { Empty, Notice, PageHeader, StackTable, Time } from "./common.tsx";
import { CONFIRM } from "./confirms.ts";
import { userHref } from "./UsersPage.tsx";

export const SESSIONS_PAGE = "/admin/ui/sessions";

export interface SessionsPageProps {
  csrf: string;
  sessions: SessionView[];
  /** Narrowed to one user (`?user_id=`). */
  userID?: string;
  notice?: NoticeRef;
}

/** The browser's short name ("Firefox on Linux"); the full agent is its title. */
function device(ua: string | null): string {
  return ua ? describeUserAgent(ua) : "—";
}

export function SessionsPage(props: SessionsPageProps): VNode {
  const here = props.userID
    ? `${SESSIONS_PAGE}?user_id=${encodeURIComponent(props.userID)}`
    : SESSIONS_PAGE;
  const done = `${SESSIONS_PAGE}?notice=session.revoked${
    props.userID ? `&user_id=${encodeURIComponent(props.userID)}` : ""
  }`;
  return (
    <>
      <PageHeader
        title="Sessions"
        lead="People signed in here right now. Ending a session signs that browser out; tokens already issued to apps stay valid until they expire or are revoked."
      />
      <Notice notice={props.notice} />
      {props.userID && (
        <p>
          Showing one user's sessions. <a href={SESSIONS_PAGE}>Show all</a>
        </p>
      )}
      <section class="card" aria-labelledby="sessions">
        <h2 id="sessions">Active sessions ({props.sessions.length})</h2>
        {props.sessions.length === 0
          ? <Empty>Nobody is signed in.</Empty>
          : (
            <SessionsTable
              csrf={props.csrf}
              sessions={props.sessions}
              action={here}
              done={done}
            />
          )}
      </section>
    </>
  );
}

export interface SessionsTableProps {
  csrf: string;
  sessions: SessionView[];
  /** The page the no-JavaScript form posts to. */
  action: string;
  /** Where the island goes after ending one. */
  done: string;
  /** The form's `_action` (the page's name for "end this session"). */
  intent?: string;
}

/** The sessions as a table, each with "End session". */
export function SessionsTable(
  { csrf, sessions, action, done, intent = "revoke" }: SessionsTableProps,
): VNode {
  return (
    <StackTable
      label="Active sessions"
      columns={["User", "Signed in", "Last seen", "Expires", "From"]}
      actions
    >
      {sessions.map((s) => (
        <tr key={s.id}>
          <td data-label="User">
            {s.user_id
              ? (
                <a href={userHref(s.user_id)}>
                  {s.username ?? s.user_id}
                </a>
              )
              : <span class="muted">—</span>}
          </td>
          <td data-label="Signed in">
            <Time at={s.auth_time} />
          </td>
          <td data-label="Last seen">
            <Time at={s.last_seen_at} />
          </td>
          <td data-label="Expires">
            <Time at={s.expires_at} />
          </td>
          <td data-label="From">
            {s.ip ?? "—"}
            <br />
            <span class="muted" title={s.user_agent ?? undefined}>
              {device(s.user_agent)}
            </span>
          </td>
          <td class="row-actions">
            <ConfirmButton
              csrf={csrf}
              label="End session"
              subject={`session of ${s.username ?? s.user_id}`}
              {...CONFIRM.endSession(s.username ?? undefined)}
              action={action}
              fields={{ _action: intent, session_id: s.id }}
              api={{
                method: "DELETE",
                url: `/admin/sessions/${encodeURIComponent(s.id)}`,
              }}
              done={done}
            />
          </td>
        </tr>
      ))}
    </StackTable>
  );
}

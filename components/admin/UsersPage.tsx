/** The users list and the create form. Server-only. */
import type { VNode } from "preact";
import UserForm, { type UserFormProps } from "../../islands/UserForm.tsx";
import type { UserView } from "../../lib/admin/users_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import {
  Badge,
  Empty,
  Notice,
  PageHeader,
  TableWrap,
  Time,
} from "./common.tsx";

export function userHref(id: string): string {
  return `/admin/ui/users/${encodeURIComponent(id)}`;
}

export interface UsersPageProps {
  csrf: string;
  users: UserView[];
  form: Omit<UserFormProps, "csrf" | "mode">;
  notice?: NoticeRef;
}

export function UsersPage(props: UsersPageProps): VNode {
  return (
    <>
      <PageHeader
        title="Users"
        lead="People who sign in here. Their claims feed ID tokens and /userinfo, released by the scopes a client was granted."
      >
        <a class="button" href="#new-user">New user</a>
      </PageHeader>
      <Notice notice={props.notice} />
      <section class="card" aria-labelledby="users">
        <h2 id="users">All users</h2>
        {props.users.length === 0
          ? <Empty>No users yet.</Empty>
          : (
            <TableWrap label="Users">
              <table class="stack">
                <thead>
                  <tr>
                    <th scope="col">Username</th>
                    <th scope="col">Email</th>
                    <th scope="col">Status</th>
                    <th scope="col">Created</th>
                  </tr>
                </thead>
                <tbody>
                  {props.users.map((user) => (
                    <tr key={user.id}>
                      <td data-label="Username">
                        <a href={userHref(user.id)}>
                          <strong>{user.username}</strong>
                        </a>
                      </td>
                      <td data-label="Email">
                        {user.email ?? <span class="muted">—</span>}{" "}
                        {user.email && user.email_verified && (
                          <Badge tone="ok">verified</Badge>
                        )}
                      </td>
                      <td data-label="Status">
                        {user.disabled
                          ? <Badge tone="warn">disabled</Badge>
                          : <Badge tone="ok">active</Badge>}
                      </td>
                      <td data-label="Created">
                        <Time at={user.created_at} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
      </section>
      <section class="card" id="new-user" aria-labelledby="new-user-title">
        <h2 id="new-user-title">New user</h2>
        <UserForm csrf={props.csrf} mode="create" {...props.form} />
      </section>
    </>
  );
}

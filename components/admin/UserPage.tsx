/**
 * One user: profile and claims, password, disable/enable, consents with
 * revoke, delete. Server-only.
 * @module
 */
import type { VNode } from "preact";
import ConfirmButton from "../../islands/ConfirmButton.tsx";
import UserForm, { type UserFormProps } from "../../islands/UserForm.tsx";
import type { ConsentView } from "../../lib/admin/consents_admin.ts";
import type { FactorsView } from "../../lib/admin/factors_admin.ts";
import type { SessionView } from "../../lib/admin/sessions_admin.ts";
import type { UserView } from "../../lib/admin/users_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { Form } from "../Form.tsx";
import { clientHref } from "./ClientsPage.tsx";
import {
  Badge,
  Empty,
  FormAlert,
  Notice,
  PageHeader,
  StackTable,
  Time,
} from "./common.tsx";
import { CONFIRM } from "./confirms.ts";
import { UserFactors } from "./UserFactors.tsx";
import { userHref } from "./UsersPage.tsx";
import { SessionsTable } from "./SessionsPage.tsx";

export function userFormValues(user: UserView): UserFormProps["values"] {
  return {
    email: user.email ?? "",
    email_verified: user.email_verified,
    claims: Object.keys(user.claims).length
      ? JSON.stringify(user.claims, null, 2)
      : "",
  };
}

export interface UserPageProps {
  csrf: string;
  user: UserView;
  consents: ConsentView[];
  factors: FactorsView;
  /** The user's live sessions. */
  sessions: SessionView[];
  /** SMTP_URL and MAIL_FROM are set (reset and confirmation mails). */
  mailOn: boolean;
  edit: Omit<UserFormProps, "csrf" | "mode" | "userID">;
  password: Omit<UserFormProps, "csrf" | "mode" | "userID">;
  notice?: NoticeRef;
  error?: string;
}

export function UserPage(props: UserPageProps): VNode {
  const { user, csrf } = props;
  const href = userHref(user.id);
  const api = `/admin/users/${encodeURIComponent(user.id)}`;
  return (
    <>
      <p class="crumbs">
        <a href="/admin/ui/users">← All users</a>
      </p>
      <PageHeader
        title={user.username}
        lead={
          <>
            {user.disabled
              ? <Badge tone="warn">disabled</Badge>
              : <Badge tone="ok">active</Badge>}{" "}
            <span class="muted">
              created <Time at={user.created_at} />, updated{" "}
              <Time at={user.updated_at} />. Subject (<code>sub</code>):{" "}
              <code>{user.id}</code>
            </span>
          </>
        }
      >
        <a
          class="button secondary"
          href={`/admin/ui/sessions?user_id=${encodeURIComponent(user.id)}`}
        >
          Sessions
        </a>
      </PageHeader>
      <Notice notice={props.notice} />
      {props.error && (
        <FormAlert>
          <p>{props.error}</p>
        </FormAlert>
      )}
      <div class="grid-2">
        <section class="card" aria-labelledby="profile">
          <h2 id="profile">Profile</h2>
          <UserForm csrf={csrf} mode="edit" userID={user.id} {...props.edit} />
        </section>
        <div>
          <section class="card" aria-labelledby="password">
            <h2 id="password">Password</h2>
            <p class="muted">
              Setting a password ends the user's sessions and revokes their
              tokens.
            </p>
            <UserForm
              csrf={csrf}
              mode="password"
              userID={user.id}
              {...props.password}
            />
          </section>
          <section class="card" aria-labelledby="access">
            <h2 id="access">Access</h2>
            {user.disabled
              ? (
                <>
                  <p>
                    <Badge tone="warn">locked</Badge>{" "}
                    {user.locked_at !== null && (
                      <>
                        since <Time at={user.locked_at} />.
                      </>
                    )} {user.lock_reason
                      ? <>Reason: {user.lock_reason}</>
                      : <span class="muted">No reason was given.</span>}
                  </p>
                  <p>This user cannot sign in.</p>
                  <Form action={href} csrf={csrf}>
                    <input type="hidden" name="_action" value="enable" />
                    <button type="submit" class="secondary">
                      Unlock account
                    </button>
                  </Form>
                </>
              )
              : (
                <>
                  <p>
                    Locking blocks sign-in, ends the user's sessions and revokes
                    their tokens. The reason is shown to admins only.
                  </p>
                  <Form action={href} csrf={csrf}>
                    <input type="hidden" name="_action" value="lock" />
                    <div class="field">
                      <label for="lock_reason">Reason</label>
                      <input
                        id="lock_reason"
                        name="lock_reason"
                        type="text"
                        maxLength={500}
                        required
                      />
                    </div>
                    <button type="submit" class="danger">Lock account</button>
                  </Form>
                </>
              )}
          </section>
          <section class="card" aria-labelledby="sign-in">
            <h2 id="sign-in">Sign-in and recovery</h2>
            <Form action={href} csrf={csrf}>
              {user.must_change_password
                ? (
                  <>
                    <p>
                      <Badge tone="warn">new password required</Badge>{" "}
                      The next sign-in sets a new password before anything else.
                    </p>
                    <input
                      type="hidden"
                      name="_action"
                      value="no_force_change"
                    />
                    <button type="submit" class="secondary">
                      Do not ask for a new password
                    </button>
                  </>
                )
                : (
                  <>
                    <input type="hidden" name="_action" value="force_change" />
                    <button type="submit" class="secondary">
                      Ask for a new password at next sign-in
                    </button>
                  </>
                )}
            </Form>
            {!props.mailOn
              ? (
                <p class="muted">
                  Mail is not configured (SMTP_URL, MAIL_FROM): no reset or
                  confirmation links can be sent.
                </p>
              )
              : !user.email
              ? (
                <p class="muted">
                  The user has no email address: no links can be sent.
                </p>
              )
              : (
                <div class="actions">
                  <Form action={href} csrf={csrf} class="inline">
                    <input type="hidden" name="_action" value="reset_mail" />
                    <button type="submit" class="secondary">
                      Send password reset mail
                    </button>
                  </Form>
                  {!user.email_verified && (
                    <Form action={href} csrf={csrf} class="inline">
                      <input
                        type="hidden"
                        name="_action"
                        value="verification_mail"
                      />
                      <button type="submit" class="secondary">
                        Send confirmation link
                      </button>
                    </Form>
                  )}
                </div>
              )}
          </section>
        </div>
      </div>
      <UserFactors
        csrf={csrf}
        userID={user.id}
        username={user.username}
        href={href}
        factors={props.factors}
      />
      <section class="card" aria-labelledby="user-sessions">
        <h2 id="user-sessions">Sessions ({props.sessions.length})</h2>
        {props.sessions.length === 0
          ? <Empty>This user is not signed in anywhere.</Empty>
          : (
            <SessionsTable
              csrf={csrf}
              sessions={props.sessions}
              action={href}
              done={`${href}?notice=session.revoked`}
              intent="end_session"
            />
          )}
      </section>
      <section class="card" aria-labelledby="consents">
        <h2 id="consents">Consents</h2>
        {props.consents.length === 0
          ? <Empty>This user has not granted any client access.</Empty>
          : (
            <StackTable
              label="Consents"
              columns={["Client", "Scopes", "Granted"]}
              actions
            >
              {props.consents.map((consent) => (
                <tr key={consent.client_id}>
                  <td data-label="Client">
                    <a href={clientHref(consent.client_id)}>
                      {consent.client_name}
                    </a>{" "}
                    <code>{consent.client_id}</code>
                  </td>
                  <td data-label="Scopes">
                    <span class="tokens">{consent.scopes.join(" ")}</span>
                  </td>
                  <td data-label="Granted">
                    <Time at={consent.updated_at} />
                  </td>
                  <td class="row-actions">
                    <ConfirmButton
                      csrf={csrf}
                      label="Revoke"
                      subject={`consent to ${consent.client_id}`}
                      {...CONFIRM.revokeConsent(consent.client_name)}
                      action={href}
                      fields={{
                        _action: "revoke_consent",
                        client_id: consent.client_id,
                      }}
                      api={{
                        method: "DELETE",
                        url: `${api}/consents/${
                          encodeURIComponent(consent.client_id)
                        }`,
                      }}
                      done={`${href}?notice=consent.revoked&subject=${
                        encodeURIComponent(consent.client_id)
                      }`}
                    />
                  </td>
                </tr>
              ))}
            </StackTable>
          )}
      </section>
      <section class="card danger-zone" aria-labelledby="delete-user">
        <h2 id="delete-user">Delete user</h2>
        <p>
          Removes the account with its sessions, tokens and consents.
        </p>
        <ConfirmButton
          csrf={csrf}
          label="Delete user"
          subject={user.username}
          {...CONFIRM.deleteUser(user.username)}
          action={href}
          fields={{ _action: "delete" }}
          api={{ method: "DELETE", url: api }}
          done={`/admin/ui/users?notice=user.deleted&subject=${
            encodeURIComponent(user.username)
          }`}
        />
      </section>
    </>
  );
}

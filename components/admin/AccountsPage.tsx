/**
 * Self-service accounts: which profile claims people may edit on
 * /account, how people get accounts (REGISTRATION) and whether mail is on
 * (both from the environment), and, with REGISTRATION=invite, the
 * invitations: issue one (its link is shown once), withdraw one.
 * Server-only.
 * @module
 */
import type { VNode } from "preact";
import type {
  InviteView,
  IssuedInvite,
} from "../../lib/accounts/registration.ts";
import type { AccountSettingsView } from "../../lib/admin/accounts_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { Form } from "../Form.tsx";
import {
  Badge,
  Empty,
  FormAlert,
  Notice,
  PageHeader,
  StackTable,
  Time,
} from "./common.tsx";

export const ACCOUNTS_PAGE = "/admin/ui/accounts";

export interface AccountsPageProps {
  csrf: string;
  settings: AccountSettingsView;
  invites: InviteView[];
  /** Just issued: its link, shown this once. */
  issued?: IssuedInvite;
  notice?: NoticeRef;
  error?: string;
  /** The claims field as posted, after an error. */
  claims?: string;
}

const REGISTRATION_TEXT: Record<AccountSettingsView["registration"], string> = {
  off: "off: only admins create accounts.",
  open: "open: anyone can create an account on /account/register.",
  invite: "invite: people create an account with an invitation link from here.",
};

export function AccountsPage(props: AccountsPageProps): VNode {
  const { settings, csrf } = props;
  return (
    <>
      <PageHeader
        title="Accounts"
        lead="What people can do on their own account pages (/account), and how they get an account."
      />
      <Notice notice={props.notice} />
      {props.error && (
        <FormAlert>
          <p>{props.error}</p>
        </FormAlert>
      )}
      <div class="grid-2">
        <section class="card" aria-labelledby="server">
          <h2 id="server">This server</h2>
          <p>
            Registration (<code>REGISTRATION</code>):{" "}
            {REGISTRATION_TEXT[settings.registration]}
          </p>
          <p>
            Mail (<code>SMTP_URL</code>, <code>MAIL_FROM</code>): {settings.mail
              ? <Badge tone="ok">on</Badge>
              : <Badge tone="muted">off</Badge>} {settings.mail
              ? "password recovery, address confirmation and change notices are mailed."
              : "no password recovery by mail, no address confirmation, no notices."}
          </p>
          <p class="muted">
            Both are set in the environment; see the help page.
          </p>
        </section>
        <section class="card" aria-labelledby="claims">
          <h2 id="claims">Profile fields people may edit</h2>
          <Form action={ACCOUNTS_PAGE} csrf={csrf}>
            <input type="hidden" name="_action" value="settings" />
            <div class="field">
              <label for="editable_claims">Claims, separated by spaces</label>
              <p class="hint" id="editable_claims-hint">
                For example{" "}
                <code>name given_name family_name nickname email</code>.
                Protocol claims (sub, email_verified, …) cannot be listed; a new
                email is unconfirmed until its link is opened.
              </p>
              <input
                id="editable_claims"
                name="editable_claims"
                type="text"
                value={props.claims ?? settings.editable_claims.join(" ")}
                aria-describedby="editable_claims-hint"
              />
            </div>
            <button type="submit">Save</button>
          </Form>
        </section>
      </div>
      {settings.registration === "invite" && (
        <section class="card" aria-labelledby="invites">
          <h2 id="invites">Invitations</h2>
          {props.issued && (
            <div class="secret-panel" role="status">
              <p>
                <strong>Invitation link</strong> (shown this once
                {props.issued.mailed
                  ? `; also mailed to ${props.issued.email}`
                  : ""}):
              </p>
              <p>
                <code class="secret" id="invite-url">{props.issued.url}</code>
              </p>
            </div>
          )}
          <Form action={ACCOUNTS_PAGE} csrf={csrf}>
            <input type="hidden" name="_action" value="invite" />
            <div class="field">
              <label for="invite_email">Email address (optional)</label>
              <p class="hint" id="invite_email-hint">
                Only this address can register with the link
                {settings.mail ? ", and it is mailed there" : ""}.
              </p>
              <input
                id="invite_email"
                name="email"
                type="email"
                maxLength={254}
                aria-describedby="invite_email-hint"
              />
            </div>
            <div class="field">
              <label for="invite_days">Valid for (days)</label>
              <input
                id="invite_days"
                name="expires_in_days"
                type="number"
                min={1}
                max={90}
                value="7"
              />
            </div>
            <button type="submit">Issue invitation</button>
          </Form>
          {props.invites.length === 0
            ? <Empty>No invitation is waiting to be used.</Empty>
            : (
              <StackTable
                label="Invitations"
                columns={["For", "Issued", "Expires"]}
                actions
              >
                {props.invites.map((i) => (
                  <tr key={i.id}>
                    <td data-label="For">
                      {i.email ?? (
                        <span class="muted">anyone with the link</span>
                      )}
                    </td>
                    <td data-label="Issued">
                      <Time at={i.created_at} />{" "}
                      <span class="muted">by {i.created_by}</span>
                    </td>
                    <td data-label="Expires">
                      <Time at={i.expires_at} />
                    </td>
                    <td class="row-actions">
                      <Form
                        action={ACCOUNTS_PAGE}
                        csrf={csrf}
                        class="inline"
                      >
                        <input
                          type="hidden"
                          name="_action"
                          value="withdraw"
                        />
                        <input
                          type="hidden"
                          name="invite_id"
                          value={i.id}
                        />
                        <button type="submit" class="secondary">
                          Withdraw
                        </button>
                      </Form>
                    </td>
                  </tr>
                ))}
              </StackTable>
            )}
        </section>
      )}
    </>
  );
}

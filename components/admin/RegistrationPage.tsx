/**
 * The registration page: who may register without an admin (RFC 7591 per
 * kind of client, Client ID Metadata Documents with their host lists and
 * cache bounds), the initial access tokens, and every client that
 * registered itself, each of which can be disabled (blocked). Server-only.
 */
import type { VNode } from "preact";
import ConfirmButton from "../../islands/ConfirmButton.tsx";
import type { ClientView } from "../../lib/admin/clients_admin.ts";
import type {
  InitialAccessTokenView,
  RegistrationSettingsView,
} from "../../lib/admin/registration_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { REGISTRATION_POLICIES } from "../../lib/oauth/vocabulary.ts";
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
import { clientHref } from "./ClientsPage.tsx";
import { CONFIRM } from "./confirms.ts";

export const REGISTRATION_PAGE = "/admin/ui/registration";

export interface RegistrationPageProps {
  csrf: string;
  settings: RegistrationSettingsView;
  tokens: InitialAccessTokenView[];
  clients: ClientView[];
  /** A token just issued: shown this once. */
  issued?: string;
  errors?: Record<string, string>;
  formError?: string;
  notice?: NoticeRef;
}

const POLICY_WORDS: Record<string, string> = {
  off: "off",
  "initial-access-token": "with an initial access token",
  open: "open to anyone",
};

function PolicySelect(
  { name, value, pinned }: { name: string; value: string; pinned: boolean },
): VNode {
  return (
    <select id={name} name={name} disabled={pinned}>
      {REGISTRATION_POLICIES.map((p) => (
        <option value={p} key={p} selected={value === p}>
          {POLICY_WORDS[p]}
        </option>
      ))}
    </select>
  );
}

function Pinned({ on }: { on: boolean }): VNode | null {
  return on
    ? <p class="muted">Set by an environment variable; change it there.</p>
    : null;
}

export function RegistrationPage(props: RegistrationPageProps): VNode {
  const { csrf, settings: s, errors } = props;
  const pinned = (name: string) => s.pinned.includes(name);
  return (
    <>
      <PageHeader
        title="Registration"
        lead="How clients that nobody registered here may still sign people in: Client ID Metadata Documents (the client's id is the URL of a document describing it) and dynamic registration (RFC 7591). Such clients always see the consent screen."
      />
      <Notice notice={props.notice} />
      {props.formError && (
        <FormAlert>
          <p>{props.formError}</p>
        </FormAlert>
      )}
      <section class="card" aria-labelledby="policy">
        <h2 id="policy">Policy</h2>
        <Form action={REGISTRATION_PAGE} csrf={csrf}>
          <input type="hidden" name="_action" value="settings" />
          <label for="public_clients">
            Dynamic registration of public clients (no secret)
          </label>
          <PolicySelect
            name="public_clients"
            value={s.public_clients}
            pinned={pinned("public_clients")}
          />
          <Pinned on={pinned("public_clients")} />
          <label for="confidential_clients">
            Dynamic registration of confidential clients (with a secret)
          </label>
          <PolicySelect
            name="confidential_clients"
            value={s.confidential_clients}
            pinned={pinned("confidential_clients")}
          />
          <Pinned on={pinned("confidential_clients")} />
          <label class="check">
            <input
              type="checkbox"
              name="metadata_documents"
              checked={s.metadata_documents}
              disabled={pinned("metadata_documents")}
            />{" "}
            Accept Client ID Metadata Documents (https client_id URLs)
          </label>
          <Pinned on={pinned("metadata_documents")} />
          <label for="allowed_hosts">
            Fetch documents only from these hosts (space-separated,{" "}
            <code>*.example.com</code> for subdomains; empty: any host)
          </label>
          <input
            type="text"
            id="allowed_hosts"
            name="allowed_hosts"
            value={s.allowed_hosts.join(" ")}
          />
          {errors?.allowed_hosts && (
            <p class="field-error">{errors.allowed_hosts}</p>
          )}
          <label for="denied_hosts">Never fetch from these hosts</label>
          <input
            type="text"
            id="denied_hosts"
            name="denied_hosts"
            value={s.denied_hosts.join(" ")}
          />
          {errors?.denied_hosts && (
            <p class="field-error">{errors.denied_hosts}</p>
          )}
          <label for="min_cache_seconds">
            Keep a fetched document at least (seconds)
          </label>
          <input
            type="text"
            id="min_cache_seconds"
            name="min_cache_seconds"
            inputMode="numeric"
            value={String(s.min_cache_seconds)}
          />
          {errors?.min_cache_seconds && (
            <p class="field-error">{errors.min_cache_seconds}</p>
          )}
          <label for="max_cache_seconds">
            and at most (seconds), whatever its caching headers say
          </label>
          <input
            type="text"
            id="max_cache_seconds"
            name="max_cache_seconds"
            inputMode="numeric"
            value={String(s.max_cache_seconds)}
          />
          {errors?.max_cache_seconds && (
            <p class="field-error">{errors.max_cache_seconds}</p>
          )}
          <div class="actions">
            <button type="submit">Save policy</button>
          </div>
        </Form>
      </section>
      <section class="card" aria-labelledby="tokens">
        <h2 id="tokens">Initial access tokens</h2>
        {props.issued && (
          <div class="secret-panel" role="status">
            <p>
              <strong>The new initial access token</strong>{" "}
              (shown this once; send it as <code>Authorization: Bearer …</code>
              {" "}
              to <code>/register</code>):
            </p>
            <p>
              <code data-testid="issued-token">{props.issued}</code>
            </p>
          </div>
        )}
        {props.tokens.length === 0
          ? <Empty>No initial access tokens.</Empty>
          : (
            <StackTable
              label="Initial access tokens"
              columns={["Description", "Uses left", "Expires"]}
              actions
            >
              {props.tokens.map((t) => (
                <tr key={t.id}>
                  <td data-label="Description">
                    {t.description || <span class="muted">—</span>}
                  </td>
                  <td data-label="Uses left">{t.uses_left}</td>
                  <td data-label="Expires">
                    <Time at={t.expires_at} />
                  </td>
                  <td class="row-actions">
                    <ConfirmButton
                      csrf={csrf}
                      label="Revoke"
                      subject={`initial access token ${t.description}`}
                      {...CONFIRM.revokeInitialAccessToken(
                        t.description || t.id,
                      )}
                      action={REGISTRATION_PAGE}
                      fields={{ _action: "revoke_token", id: t.id }}
                      api={{
                        method: "DELETE",
                        url: `/admin/registration/tokens/${t.id}`,
                      }}
                      done={`${REGISTRATION_PAGE}?notice=iat.revoked`}
                    />
                  </td>
                </tr>
              ))}
            </StackTable>
          )}
        <Form action={REGISTRATION_PAGE} csrf={csrf}>
          <input type="hidden" name="_action" value="issue_token" />
          <label for="description">Description</label>
          <input type="text" id="description" name="description" />
          <label for="uses">Registrations it allows</label>
          <input
            type="text"
            id="uses"
            name="uses"
            inputMode="numeric"
            value="1"
          />
          {errors?.uses && <p class="field-error">{errors.uses}</p>}
          <label for="expires_in_days">Valid for (days)</label>
          <input
            type="text"
            id="expires_in_days"
            name="expires_in_days"
            inputMode="numeric"
            value="7"
          />
          {errors?.expires_in && <p class="field-error">{errors.expires_in}</p>}
          <div class="actions">
            <button type="submit">Issue a token</button>
          </div>
        </Form>
      </section>
      <section class="card" aria-labelledby="self-registered">
        <h2 id="self-registered">Clients that registered themselves</h2>
        {props.clients.length === 0 ? <Empty>None yet.</Empty> : (
          <StackTable
            label="Clients that registered themselves"
            columns={["Client", "How", "Status"]}
            actions
          >
            {props.clients.map((c) => (
              <tr key={c.client_id}>
                <td data-label="Client">
                  <a href={clientHref(c.client_id)}>
                    <strong>{c.client_name}</strong>
                  </a>
                  <br />
                  <code>{c.client_id}</code>
                </td>
                <td data-label="How">
                  {c.registration_type === "metadata_document"
                    ? (
                      <>
                        <Badge tone="info">metadata document</Badge> from{" "}
                        <strong>{new URL(c.client_id).host}</strong>
                      </>
                    )
                    : <Badge tone="warn">unverified (RFC 7591)</Badge>}
                </td>
                <td data-label="Status">
                  {c.disabled
                    ? <Badge tone="muted">disabled</Badge>
                    : <Badge tone="ok">active</Badge>}
                </td>
                <td class="row-actions">
                  {c.disabled
                    ? (
                      <Form action={REGISTRATION_PAGE} csrf={csrf}>
                        <input
                          type="hidden"
                          name="_action"
                          value="enable"
                        />
                        <input
                          type="hidden"
                          name="client_id"
                          value={c.client_id}
                        />
                        <button type="submit" class="secondary small">
                          Enable
                          <span class="sr-only">: {c.client_id}</span>
                        </button>
                      </Form>
                    )
                    : (
                      <ConfirmButton
                        csrf={csrf}
                        label="Disable"
                        subject={`client ${c.client_id}`}
                        {...CONFIRM.blockClient(c.client_id)}
                        action={REGISTRATION_PAGE}
                        fields={{
                          _action: "disable",
                          client_id: c.client_id,
                        }}
                        api={{
                          method: "PATCH",
                          url: `/admin/clients/${
                            encodeURIComponent(c.client_id)
                          }`,
                          body: { disabled: true },
                        }}
                        done={`${REGISTRATION_PAGE}?notice=client.disabled&subject=${
                          encodeURIComponent(c.client_id)
                        }`}
                      />
                    )}
                </td>
              </tr>
            ))}
          </StackTable>
        )}
      </section>
    </>
  );
}

/** The clients list and the create form. Server-only. */
import type { VNode } from "preact";
import ClientForm, {
  type ClientFormProps,
  type ClientFormValues,
} from "../../islands/ClientForm.tsx";
import { SecretPanel } from "../../islands/_shared/SecretPanel.tsx";
import type { ClientView } from "../../lib/admin/clients_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { Badge, Empty, Notice, PageHeader, TableWrap } from "./common.tsx";

export const NEW_CLIENT: ClientFormValues = {
  client_id: "",
  client_name: "",
  redirect_uris: "",
  scope: "openid profile email offline_access",
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  client_type: "confidential",
  token_endpoint_auth_method: "client_secret_basic",
  require_consent: true,
};

export interface ClientsPageProps {
  csrf: string;
  clients: ClientView[];
  form: Omit<ClientFormProps, "csrf" | "mode">;
  notice?: NoticeRef;
  /** The client just created, with its secret (shown this once). */
  created?: { client_id: string; client_secret: string };
}

export function clientHref(id: string): string {
  return `/admin/ui/clients/${encodeURIComponent(id)}`;
}

export function ClientsPage(props: ClientsPageProps): VNode {
  return (
    <>
      <PageHeader
        title="Clients"
        lead="Applications that send people here to sign in, or call the token endpoint on their own behalf."
      >
        <a class="button" href="#new-client">New client</a>
      </PageHeader>
      <Notice notice={props.notice} />
      {props.created && (
        <>
          <SecretPanel
            clientID={props.created.client_id}
            secret={props.created.client_secret}
            reason="created"
          />
          <p>
            <a href={clientHref(props.created.client_id)}>
              Open the settings of {props.created.client_id}
            </a>
          </p>
        </>
      )}
      <section class="card" aria-labelledby="clients">
        <h2 id="clients">All clients</h2>
        {props.clients.length === 0
          ? <Empty>No clients yet. Create one below.</Empty>
          : (
            <TableWrap label="Clients">
              <table class="stack">
                <thead>
                  <tr>
                    <th scope="col">Client</th>
                    <th scope="col">Type</th>
                    <th scope="col">Redirect URIs</th>
                    <th scope="col">Grant types</th>
                  </tr>
                </thead>
                <tbody>
                  {props.clients.map((client) => (
                    <tr key={client.client_id}>
                      <td data-label="Client">
                        <a href={clientHref(client.client_id)}>
                          <strong>{client.client_name}</strong>
                        </a>
                        <br />
                        <code>{client.client_id}</code>
                      </td>
                      <td data-label="Type">
                        <Badge
                          tone={client.client_type === "public" ? "info" : "ok"}
                        >
                          {client.client_type}
                        </Badge>
                      </td>
                      <td data-label="Redirect URIs">
                        {client.redirect_uris.length
                          ? (
                            <span class="tokens">
                              {client.redirect_uris.join(" ")}
                            </span>
                          )
                          : <span class="muted">none</span>}
                      </td>
                      <td data-label="Grant types">
                        <span class="tokens">
                          {client.grant_types.join(" ")}
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
          )}
      </section>
      <section class="card" id="new-client" aria-labelledby="new-client-title">
        <h2 id="new-client-title">New client</h2>
        <p class="muted">
          The policy (allowed scopes, PKCE, consent, lifetimes) starts from safe
          defaults; change it on the client's page afterwards.
        </p>
        <ClientForm csrf={props.csrf} mode="create" {...props.form} />
      </section>
    </>
  );
}

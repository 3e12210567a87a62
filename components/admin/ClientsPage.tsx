/** The clients list and the create form. Server-only. */
import type { VNode } from "preact";
import ClientForm, {
  type ClientFormProps,
  type ClientFormValues,
} from "../../islands/ClientForm.tsx";
import ClientList from "../../islands/ClientList.tsx";
import { clientHref } from "../../islands/_shared/clients.ts";
import { SecretPanel } from "../../islands/_shared/SecretPanel.tsx";
import type { ClientView } from "../../lib/admin/clients_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { DEFAULT_GRANT_TYPES } from "../../lib/oauth/vocabulary.ts";
import { Notice, PageHeader } from "./common.tsx";

export const NEW_CLIENT: ClientFormValues = {
  client_id: "",
  client_name: "",
  redirect_uris: "",
  scope: "openid profile email offline_access",
  grant_types: [...DEFAULT_GRANT_TYPES],
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

export { clientHref };

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
        <ClientList clients={props.clients} />
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

/**
 * One client: its fields and its policy (each with an info link to the
 * help page), its secret, and deletion. Server-only.
 * @module
 */
import type { VNode } from "preact";
import ClientForm, {
  type ClientFormProps,
  type ClientFormValues,
} from "../../islands/ClientForm.tsx";
import ConfirmButton from "../../islands/ConfirmButton.tsx";
import PolicyForm, {
  type PolicyFormProps,
  type PolicyFormValues,
} from "../../islands/PolicyForm.tsx";
import { SecretPanel } from "../../islands/_shared/SecretPanel.tsx";
import type { ClientDetail } from "../../lib/admin/clients_admin.ts";
import type { NoticeRef } from "../../lib/admin/ui/page.tsx";
import { Badge, Notice, PageHeader, Time } from "./common.tsx";
import { clientHref } from "./ClientsPage.tsx";
import { CONFIRM } from "./confirms.ts";

/** The client form's values for a stored client. */
export function clientFormValues(client: ClientDetail): ClientFormValues {
  return {
    client_id: client.client_id,
    client_name: client.client_name,
    redirect_uris: client.redirect_uris.join("\n"),
    scope: client.scope,
    grant_types: client.grant_types,
    response_types: client.response_types,
    client_type: client.client_type,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    require_consent: client.require_consent,
  };
}

/** The policy form's values for a stored client. */
export function policyFormValues(client: ClientDetail): PolicyFormValues {
  const p = client.policy;
  return {
    allowed_scopes: p.allowed_scopes,
    default_scopes: p.default_scopes,
    post_logout_redirect_uris: p.post_logout_redirect_uris.split(" ")
      .filter(Boolean).join("\n"),
    require_pkce: p.require_pkce,
    consent_policy: p.consent_policy,
    access_token_lifetime: String(p.access_token_lifetime),
    refresh_token_ttl_days: String(p.refresh_token_ttl_days),
    token_format: p.token_format,
    id_token_signed_response_alg: p.id_token_signed_response_alg,
    refresh_reuse_grace_seconds: String(p.refresh_reuse_grace_seconds),
    require_second_factor: p.require_second_factor,
  };
}

export interface ClientPageProps {
  csrf: string;
  client: ClientDetail;
  clientForm: Omit<ClientFormProps, "csrf" | "mode">;
  policyForm: Omit<PolicyFormProps, "csrf" | "clientID" | "publicClient">;
  notice?: NoticeRef;
  /** A secret just generated, shown on this answer only. */
  secret?: { value: string; reason: string };
}

export function ClientPage(props: ClientPageProps): VNode {
  const { client, csrf } = props;
  const id = client.client_id;
  const href = clientHref(id);
  const confidential = client.client_type === "confidential";
  return (
    <>
      <p class="crumbs">
        <a href="/admin/ui/clients">← All clients</a>
      </p>
      <PageHeader
        title={client.client_name}
        lead={
          <>
            <code>{id}</code>{" "}
            <Badge tone={confidential ? "ok" : "info"}>
              {client.client_type}
            </Badge>{" "}
            <span class="muted">
              created <Time at={client.created_at} />, updated{" "}
              <Time at={client.updated_at} />
            </span>
          </>
        }
      />
      <Notice notice={props.notice} />
      {props.secret && (
        <SecretPanel
          clientID={id}
          secret={props.secret.value}
          reason={props.secret.reason}
        />
      )}
      <div class="grid-2">
        <section class="card" aria-labelledby="client-settings">
          <h2 id="client-settings">Client</h2>
          <ClientForm csrf={csrf} mode="edit" {...props.clientForm} />
        </section>
        <section class="card" aria-labelledby="client-policy">
          <h2 id="client-policy">Policy</h2>
          <PolicyForm
            csrf={csrf}
            clientID={id}
            publicClient={!confidential}
            {...props.policyForm}
          />
        </section>
      </div>
      {confidential && (
        <section class="card" aria-labelledby="client-secret-title">
          <h2 id="client-secret-title">Client secret</h2>
          <p>
            Stored only as a hash, so it cannot be shown again. A new secret
            replaces the old one at once: the app fails at the token endpoint
            until it uses the new one.
          </p>
          <ConfirmButton
            csrf={csrf}
            label="Regenerate secret"
            subject={`client ${id}`}
            {...CONFIRM.regenerateSecret(id)}
            action={href}
            fields={{ _action: "regenerate_secret", client_id: id }}
            api={{
              method: "POST",
              url: `/admin/clients/${encodeURIComponent(id)}/secret`,
            }}
            reveal="client_secret"
          />
        </section>
      )}
      <section class="card danger-zone" aria-labelledby="delete-client">
        <h2 id="delete-client">Delete client</h2>
        <p>
          Removes the client with its policy, codes, tokens and consents. People
          signed in to the app lose access.
        </p>
        <ConfirmButton
          csrf={csrf}
          label="Delete client"
          subject={id}
          {...CONFIRM.deleteClient(id)}
          action={href}
          fields={{ _action: "delete", client_id: id }}
          api={{
            method: "DELETE",
            url: `/admin/clients/${encodeURIComponent(id)}`,
          }}
          done={`/admin/ui/clients?notice=client.deleted&subject=${
            encodeURIComponent(id)
          }`}
        />
      </section>
    </>
  );
}

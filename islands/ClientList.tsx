/**
 * The Clients page's table: the clients the server listed, and each client
 * the form on the page creates, added in its place at once.
 * @module
 */
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ClientView } from "../lib/admin/clients_admin.ts";
import { clientHref, onCreatedClient } from "./_shared/clients.ts";
import { Badge, Empty, TableWrap } from "./_shared/ui.tsx";

export interface ClientListProps {
  clients: ClientView[];
}

export default function ClientList(props: ClientListProps): VNode {
  const [clients, setClients] = useState(props.clients);
  useEffect(
    () =>
      onCreatedClient((created) =>
        setClients((list) =>
          [...list.filter((c) => c.client_id !== created.client_id), created]
            .sort((a, b) => a.client_id < b.client_id ? -1 : 1)
        )
      ),
    [],
  );
  if (clients.length === 0) {
    return <Empty>No clients yet. Create one below.</Empty>;
  }
  return (
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
          {clients.map((client) => (
            <tr key={client.client_id}>
              <td data-label="Client">
                <a href={clientHref(client.client_id)}>
                  <strong>{client.client_name}</strong>
                </a>
                {client.registration_type === "dynamic" && (
                  <>
                    {" "}
                    <Badge tone="warn">unverified</Badge>
                  </>
                )}
                {client.registration_type === "metadata_document" && (
                  <>
                    {" "}
                    <Badge tone="info">metadata document</Badge>
                  </>
                )}
                {client.disabled && (
                  <>
                    {" "}
                    <Badge tone="muted">disabled</Badge>
                  </>
                )}
                <br />
                <code>{client.client_id}</code>
              </td>
              <td data-label="Type">
                <Badge tone={client.client_type === "public" ? "info" : "ok"}>
                  {client.client_type}
                </Badge>
              </td>
              <td data-label="Redirect URIs">
                {client.redirect_uris.length
                  ? <span class="tokens">{client.redirect_uris.join(" ")}</span>
                  : <span class="muted">none</span>}
              </td>
              <td data-label="Grant types">
                <span class="tokens">{client.grant_types.join(" ")}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

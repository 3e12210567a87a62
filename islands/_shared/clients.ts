/**
 * Clients in the browser: their admin page URL, and word between the two
 * islands of the Clients page - the form announces a client it created,
 * the list shows it at once (no reload: a confidential client's secret is
 * on the page, shown this once).
 * @module
 */
import type { ClientView } from "../../lib/admin/clients_admin.ts";

export function clientHref(id: string): string {
  return `/admin/ui/clients/${encodeURIComponent(id)}`;
}

type Listener = (client: ClientView) => void;
const listeners = new Set<Listener>();

/** The fields the list shows, from the admin API's answer. */
export function clientViewOf(data: Record<string, unknown>): ClientView {
  return {
    client_id: String(data.client_id),
    client_name: String(data.client_name ?? data.client_id),
    client_type: data.client_type === "public" ? "public" : "confidential",
    redirect_uris: (data.redirect_uris ?? []) as string[],
    grant_types: (data.grant_types ?? []) as string[],
    response_types: (data.response_types ?? []) as string[],
    scope: String(data.scope ?? ""),
    token_endpoint_auth_method: String(data.token_endpoint_auth_method ?? ""),
    require_consent: data.require_consent === true,
    registration_type: data.registration_type === "dynamic" ||
        data.registration_type === "metadata_document"
      ? data.registration_type
      : "admin",
    disabled: data.disabled === true,
    application_type: typeof data.application_type === "string"
      ? data.application_type
      : null,
    metadata_expires_at: typeof data.metadata_expires_at === "number"
      ? data.metadata_expires_at
      : null,
    created_at: Number(data.created_at ?? 0),
    updated_at: Number(data.updated_at ?? 0),
  };
}

/** Tells every list on the page about a client just created. */
export function announceCreatedClient(client: ClientView): void {
  for (const listener of listeners) listener(client);
}

/** Calls `listener` for each client created on this page; returns the unsubscribe. */
export function onCreatedClient(listener: Listener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/**
 * A destructive action behind a real confirmation. Without JavaScript the
 * button posts its hidden fields to the page, which answers with a
 * confirmation step. Hydrated, it opens a <dialog>, calls the admin API on
 * "confirm", and then goes to `done` (or shows a secret the answer carries,
 * once). Errors (a scope still in use, say) are shown in the dialog.
 * @module
 */
import type { VNode } from "preact";
import { useRef, useState } from "preact/hooks";
import { callAPI } from "./_shared/api.ts";
import { CSRF_FIELD } from "./_shared/form.tsx";
import { SecretPanel } from "./_shared/SecretPanel.tsx";

export interface ConfirmButtonProps {
  csrf: string;
  /** Visible button text ("Delete"). */
  label: string;
  /** What it acts on, for screen readers ("scope files.read"). */
  subject: string;
  /** The dialog's question ("Delete scope files.read?"). */
  title: string;
  /** What happens, in a sentence or two. */
  message: string;
  /** Text of the confirming button ("Delete scope"). */
  confirmLabel: string;
  /** No-JavaScript form: where it posts and what it sends. */
  action: string;
  fields: Record<string, string>;
  /** The admin API call made on confirmation. */
  api: { method: string; url: string; body?: Record<string, unknown> };
  /** Where to go afterwards (a page showing the result). */
  done?: string;
  /** Show this member of the API's answer once instead of leaving. */
  reveal?: "client_secret";
  tone?: "danger" | "secondary";
}

export default function ConfirmButton(props: ConfirmButtonProps): VNode {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  /** Clients named by a refusal (a scope still in their policy). */
  const [clients, setClients] = useState<string[]>([]);
  const [secret, setSecret] = useState("");
  const tone = props.tone ?? "danger";
  const titleID = `confirm-${props.fields._action}-${props.subject}`
    .replace(/[^A-Za-z0-9_-]/g, "-");

  function open(e: Event): void {
    e.preventDefault();
    setError("");
    dialog.current?.showModal();
  }
  function close(): void {
    dialog.current?.close();
    if (secret) location.reload();
  }
  async function confirm(): Promise<void> {
    setBusy(true);
    setError("");
    const { method, url, body } = props.api;
    const result = await callAPI(method, url, props.csrf, body);
    setBusy(false);
    if (!result.ok) {
      setError(result.message);
      const named = result.data?.clients;
      setClients(Array.isArray(named) ? named.map(String) : []);
      return;
    }
    if (props.reveal && result.data?.[props.reveal]) {
      setSecret(result.data[props.reveal]);
      return;
    }
    if (props.done) location.assign(props.done);
    else location.reload();
  }
  return (
    <form method="post" action={props.action} class="inline" onSubmit={open}>
      <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
      {Object.entries(props.fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} key={name} />
      ))}
      <button type="submit" class={tone}>
        {props.label}
        <span class="sr-only">: {props.subject}</span>
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={titleID}
        onClose={() =>
          setError("")}
      >
        {secret
          ? (
            <SecretPanel
              clientID={props.fields.client_id ?? props.subject}
              secret={secret}
              reason="regenerated"
            />
          )
          : (
            <>
              <h2 id={titleID}>{props.title}</h2>
              <p>{props.message}</p>
            </>
          )}
        {error && (
          <div class="form-error" role="alert">
            <p>{error}</p>
            {clients.length > 0 && (
              <p>
                Open: {clients.map((id, i) => (
                  <span key={id}>
                    {i > 0 && ", "}
                    <a href={`/admin/ui/clients/${encodeURIComponent(id)}`}>
                      {id}
                    </a>
                  </span>
                ))}
              </p>
            )}
          </div>
        )}
        <div class="actions">
          {secret ? <button type="button" onClick={close}>Done</button> : (
            <>
              <button
                type="button"
                class="secondary"
                onClick={close}
                autofocus
              >
                Cancel
              </button>
              <button
                type="button"
                class={tone}
                onClick={confirm}
                disabled={busy}
              >
                {busy ? "Working…" : props.confirmLabel}
              </button>
            </>
          )}
        </div>
      </dialog>
    </form>
  );
}

/**
 * A client secret shown once, with a copy button. Used by the page that
 * answers a form POST and by islands after an API call. Browser-safe.
 * @module
 */
import type { VNode } from "preact";
import CopyButton from "../CopyButton.tsx";

export interface SecretPanelProps {
  clientID: string;
  secret: string;
  /** Why there is a new secret ("created", "regenerated"). */
  reason: string;
}

export function SecretPanel(
  { clientID, secret, reason }: SecretPanelProps,
): VNode {
  return (
    <div class="secret-panel" role="region" aria-label="New client secret">
      <h2>Client secret {reason}</h2>
      <p>
        This is the secret of{" "}
        <code>{clientID}</code>. Copy it now: it is stored only as a hash and
        will not be shown again.
      </p>
      <code class="secret" id="client-secret">{secret}</code>
      <div class="actions">
        <CopyButton text={secret} label="Copy secret" />
      </div>
    </div>
  );
}

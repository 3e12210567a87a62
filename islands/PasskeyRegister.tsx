/**
 * Add a passkey: a name field and a button that runs
 * `navigator.credentials.create()` through @simplewebauthn/browser, then
 * posts the attestation with the name to /account/security
 * (`_action=passkey_register`), where the server verifies it.
 * @module
 */
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import {
  browserSupportsWebAuthn,
  type PublicKeyCredentialCreationOptionsJSON,
  startRegistration,
} from "@simplewebauthn/browser";
import { CSRF_FIELD } from "./_shared/form.tsx";

/** What the island says, in the page's language (set by the server). */
export interface PasskeyRegisterTexts {
  nameLabel: string;
  namePlaceholder: string;
  submit: string;
  unsupported: string;
  /** The device holds a passkey for this account already. */
  exists: string;
  closed: string;
  failed: string;
}

export interface PasskeyRegisterProps {
  csrf: string;
  action: string;
  options: PublicKeyCredentialCreationOptionsJSON;
  texts: PasskeyRegisterTexts;
}

export default function PasskeyRegister(props: PasskeyRegisterProps): VNode {
  const form = useRef<HTMLFormElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (browserSupportsWebAuthn()) setReady(true);
    else setError(props.texts.unsupported);
  }, []);

  async function register(event: Event): Promise<void> {
    event.preventDefault();
    if (!form.current || !field.current || !form.current.reportValidity()) {
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const response = await startRegistration({ optionsJSON: props.options });
      field.current.value = JSON.stringify(response);
      form.current.submit();
    } catch (err) {
      const name = (err as { name?: string })?.name;
      setError(
        name === "InvalidStateError"
          ? props.texts.exists
          : name === "NotAllowedError"
          ? props.texts.closed
          : props.texts.failed,
      );
      setBusy(false);
    }
  }

  return (
    <form
      method="post"
      action={props.action}
      ref={form}
      onSubmit={register}
      class="passkey"
    >
      <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
      <input type="hidden" name="_action" value="passkey_register" />
      <input type="hidden" name="passkey_response" ref={field} value="" />
      <label for="passkey-name">{props.texts.nameLabel}</label>
      <input
        id="passkey-name"
        name="name"
        type="text"
        maxLength={60}
        placeholder={props.texts.namePlaceholder}
        required
      />
      <button
        type="submit"
        disabled={!ready || busy}
        data-hydrated={ready ? "true" : undefined}
      >
        {props.texts.submit}
      </button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

/**
 * Sign in (or confirm a second factor) with a passkey: a button that runs
 * `navigator.credentials.get()` through @simplewebauthn/browser and posts
 * the assertion to /authorize with the authorization request's fields and
 * `_action=passkey`. With `autofill`, the browser also offers passkeys in
 * the username field's autofill (WebAuthn conditional mediation) as soon
 * as the page loads. The server checks everything; this only carries.
 * @module
 */
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import {
  browserSupportsWebAuthn,
  browserSupportsWebAuthnAutofill,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
} from "@simplewebauthn/browser";
import { CSRF_FIELD } from "./_shared/form.tsx";

/** What the island says, in the page's language (set by the server). */
export interface PasskeySignInTexts {
  /** The prompt was closed or timed out. */
  closed: string;
  /** The browser refused passkeys for this address. */
  refused: string;
  failed: string;
  unsupported: string;
}

export interface PasskeySignInProps {
  csrf: string;
  /** Where the assertion is posted. */
  action: string;
  /** Hidden fields posted with it (the request's parameters, `_action`). */
  fields: Record<string, string>;
  options: PublicKeyCredentialRequestOptionsJSON;
  /** Also offer passkeys in the username field's autofill. */
  autofill?: boolean;
  label: string;
  texts: PasskeySignInTexts;
}

/** Why a ceremony ended without an assertion, in words. */
function explain(err: unknown, texts: PasskeySignInTexts): string {
  const name = (err as { name?: string })?.name;
  if (name === "NotAllowedError") return texts.closed;
  if (name === "SecurityError") return texts.refused;
  return texts.failed;
}

export default function PasskeySignIn(props: PasskeySignInProps): VNode {
  const form = useRef<HTMLFormElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [ready, setReady] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function submit(response: unknown): void {
    if (!field.current || !form.current) return;
    field.current.value = JSON.stringify(response);
    form.current.submit();
  }

  useEffect(() => {
    if (!browserSupportsWebAuthn()) {
      setError(props.texts.unsupported);
      return;
    }
    setReady(true);
    if (!props.autofill) return;
    (async () => {
      if (!(await browserSupportsWebAuthnAutofill())) return;
      try {
        submit(
          await startAuthentication({
            optionsJSON: props.options,
            useBrowserAutofill: true,
          }),
        );
      } catch {
        // Aborted by the button below, or dismissed: nothing to say.
      }
    })();
  }, []);

  async function run(): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      submit(await startAuthentication({ optionsJSON: props.options }));
    } catch (err) {
      setError(explain(err, props.texts));
      setBusy(false);
    }
  }

  return (
    <form method="post" action={props.action} ref={form} class="passkey">
      <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
      {Object.entries(props.fields).map(([name, value]) => (
        <input type="hidden" name={name} value={value} key={name} />
      ))}
      <input type="hidden" name="passkey_response" ref={field} value="" />
      <button
        type="button"
        class="secondary"
        onClick={run}
        disabled={!ready || busy}
        data-hydrated={ready ? "true" : undefined}
      >
        {props.label}
      </button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

/**
 * The machinery every admin form island shares: values and errors in state,
 * checks as you type (after a field is first left, or once it shows an
 * error), and a submit that checks everything, sends JSON to the admin API
 * and puts the server's `issues` back beside their fields. The same <form>
 * posts to the page itself when JavaScript is off.
 * @module
 */
import type { ComponentChildren, VNode } from "preact";
import { useRef, useState } from "preact/hooks";
import { type APIResult, callAPI, type FieldErrors } from "./api.ts";
import {
  checkAll,
  type FormSpec,
  type Value,
  type Values,
} from "../../lib/admin/forms/specs.ts";

export const CSRF_FIELD = "csrf_token";

export interface SpecForm {
  values: Values;
  errors: FieldErrors;
  /** Sets a field; rechecks it when it was already checked. */
  set(name: string, value: Value): void;
  /** Sets several fields at once. */
  update(patch: Values): void;
  /** Marks a field visited and checks it. */
  leave(name: string): void;
  setErrors(errors: FieldErrors): void;
  /**
   * Input props for a text field: value, onInput, onBlur, and autofocus on
   * the first field the server refused (a page re-rendered without
   * JavaScript opens on it).
   */
  text(name: string): {
    value: string;
    onInput: (e: Event) => void;
    onBlur: () => void;
    autofocus?: boolean;
  };
}

export function useSpecForm(
  spec: FormSpec,
  initial: Values,
  initialErrors: FieldErrors = {},
): SpecForm {
  const [values, setValues] = useState<Values>(initial);
  const [errors, setErrors] = useState<FieldErrors>(initialErrors);
  const visited = useRef(new Set<string>());
  const [firstRefused] = useState(() => Object.keys(initialErrors)[0]);
  function recheck(next: Values, names: string[]): void {
    const found = checkAll(spec, next);
    setErrors((old) => {
      const merged = { ...old };
      for (const n of names) {
        if (found[n]) merged[n] = found[n];
        else delete merged[n];
      }
      return merged;
    });
  }
  function update(patch: Values): void {
    const next = { ...values, ...patch };
    setValues(next);
    // A field's check can depend on another (grant types and redirect
    // URIs): recheck every field already visited or flagged.
    const names = Object.keys(spec.checks).filter((n) =>
      visited.current.has(n) || errors[n] !== undefined
    );
    recheck(next, names);
  }
  function set(name: string, value: Value): void {
    update({ [name]: value });
  }
  function leave(name: string): void {
    visited.current.add(name);
    recheck(values, [name]);
  }
  return {
    values,
    errors,
    set,
    update,
    leave,
    setErrors,
    text: (name) => ({
      value: typeof values[name] === "string" ? values[name] as string : "",
      onInput: (e: Event) => set(name, (e.target as HTMLInputElement).value),
      onBlur: () => leave(name),
      ...(name === firstRefused ? { autofocus: true } : {}),
    }),
  };
}

/** Moves focus to the first field with an error (its input, in a group). */
export function focusFirstError(prefix: string, errors: FieldErrors): void {
  const first = Object.keys(errors).find((k) => k !== "");
  if (first === undefined) return;
  const el = document.getElementById(prefix + first);
  const target = el?.tagName === "FIELDSET" ? el.querySelector("input") : el;
  (target as HTMLElement | null)?.focus();
}

export interface APIFormProps {
  form: SpecForm;
  spec: FormSpec;
  /** Id prefix of this form's fields (`policy-`), for focusing errors. */
  prefix: string;
  /** Where the form posts without JavaScript (the page itself). */
  action: string;
  /** The `_action` field telling the page which form this is. */
  intent: string;
  csrf: string;
  /** The admin API call made instead, with JavaScript. */
  method: string;
  url: string;
  submitLabel: string;
  /** Called with the API's answer on success; may return a status text. */
  onSuccess(result: APIResult): string | void;
  /** A message for the whole form (the server's 409, say). */
  formError?: string;
  class?: string;
  children: ComponentChildren;
}

/** A form that posts to its page, or (hydrated) to the admin API. */
export function APIForm(props: APIFormProps): VNode {
  const { form, spec } = props;
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState("");
  const [formError, setFormError] = useState(
    props.formError ??
      (Object.keys(form.errors).length
        ? "Please correct the fields marked below."
        : ""),
  );
  async function submit(e: Event): Promise<void> {
    e.preventDefault();
    if (busy) return;
    const errors = checkAll(spec, form.values);
    form.setErrors(errors);
    if (Object.keys(errors).length) {
      setFormError("");
      setStatus("Please correct the fields marked below.");
      focusFirstError(props.prefix, errors);
      return;
    }
    setBusy(true);
    setStatus("Saving…");
    setFormError("");
    const result = await callAPI(
      props.method,
      props.url,
      props.csrf,
      spec.toBody(form.values),
    );
    setBusy(false);
    if (result.ok) {
      setStatus(props.onSuccess(result) ?? "");
      return;
    }
    const fields = Object.keys(result.errors).filter((k) => k in spec.fields);
    if (fields.length) {
      form.setErrors(result.errors);
      setStatus("The server refused some fields; see the messages below.");
      focusFirstError(props.prefix, result.errors);
    } else {
      setStatus("");
      setFormError(result.message);
    }
  }
  return (
    <form
      method="post"
      action={props.action}
      class={props.class}
      onSubmit={submit}
      noValidate
    >
      <input type="hidden" name={CSRF_FIELD} value={props.csrf} />
      <input type="hidden" name="_action" value={props.intent} />
      {formError && <p class="form-error" role="alert">{formError}</p>}
      {props.children}
      <div class="actions">
        <button type="submit" disabled={busy}>{props.submitLabel}</button>
        <p class="form-status" role="status" aria-live="polite">{status}</p>
      </div>
    </form>
  );
}

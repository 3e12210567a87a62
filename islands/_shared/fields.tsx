/**
 * Form fields of the admin UI, one markup for server pages and islands:
 * a label tied to its input, an info link to the field's entry on
 * /admin/ui/help, an optional hint, and an inline error the input points
 * at (`aria-describedby`, `aria-invalid`). Browser-safe.
 * @module
 */
import type {
  ComponentChildren,
  InputHTMLAttributes,
  TextareaHTMLAttributes,
  VNode,
} from "preact";

export const HELP_PATH = "/admin/ui/help";

/** An info icon linking to `/admin/ui/help#<topic>`, named for readers. */
export function HelpLink(
  { topic, label }: { topic: string; label: string },
): VNode {
  return (
    <a
      class="help-link"
      href={`${HELP_PATH}#${topic}`}
      title={`Help: ${label}`}
    >
      <span aria-hidden="true">i</span>
      <span class="sr-only">Help: {label}</span>
    </a>
  );
}

export interface FieldBase {
  /** The input's id; also its name unless `name` is given. */
  id: string;
  name?: string;
  label: string;
  /** Anchor on the help page. */
  help?: string;
  hint?: ComponentChildren;
  error?: string;
}

function describedBy(f: FieldBase): string | undefined {
  const ids = [f.hint ? `${f.id}-hint` : "", f.error ? `${f.id}-error` : ""]
    .filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Extras(f: FieldBase): VNode {
  return (
    <>
      {f.hint && <p class="hint" id={`${f.id}-hint`}>{f.hint}</p>}
      {f.error && <p class="field-error" id={`${f.id}-error`}>{f.error}</p>}
    </>
  );
}

function Head(f: FieldBase): VNode {
  return (
    <div class="field-head">
      <label for={f.id}>{f.label}</label>
      {f.help && <HelpLink topic={f.help} label={f.label} />}
    </div>
  );
}

type InputAttrs = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  "id" | "name" | "label" | "error" | "hint"
>;

export function TextField(props: FieldBase & InputAttrs): VNode {
  const { id, name, label, help, hint, error, ...attrs } = props;
  const f = { id, label, help, hint, error };
  return (
    <div class={error ? "field invalid" : "field"}>
      <Head {...f} />
      <input
        type="text"
        {...attrs}
        id={id}
        name={name ?? id}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(f)}
      />
      <Extras {...f} />
    </div>
  );
}

type AreaAttrs = Omit<
  TextareaHTMLAttributes<HTMLTextAreaElement>,
  "id" | "name" | "label" | "error" | "hint"
>;

export function TextArea(props: FieldBase & AreaAttrs): VNode {
  const { id, name, label, help, hint, error, ...attrs } = props;
  const f = { id, label, help, hint, error };
  return (
    <div class={error ? "field invalid" : "field"}>
      <Head {...f} />
      <textarea
        rows={3}
        {...attrs}
        id={id}
        name={name ?? id}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(f)}
      />
      <Extras {...f} />
    </div>
  );
}

export interface SelectProps extends FieldBase {
  value: string;
  options: readonly (readonly [string, string])[];
  onChange?: (value: string) => void;
  disabled?: boolean;
}

export function SelectField(props: SelectProps): VNode {
  const f = props;
  return (
    <div class={f.error ? "field invalid" : "field"}>
      <Head {...f} />
      <select
        id={f.id}
        name={f.name ?? f.id}
        disabled={f.disabled}
        aria-invalid={f.error ? "true" : undefined}
        aria-describedby={describedBy(f)}
        onChange={(e) => f.onChange?.((e.target as HTMLSelectElement).value)}
      >
        {f.options.map(([value, text]) => (
          <option value={value} selected={value === f.value} key={value}>
            {text}
          </option>
        ))}
      </select>
      <Extras {...f} />
    </div>
  );
}

export interface CheckboxProps extends FieldBase {
  checked: boolean;
  onChange?: (checked: boolean) => void;
}

/** One checkbox, its label beside it. */
export function CheckboxField(props: CheckboxProps): VNode {
  const f = props;
  return (
    <div class={f.error ? "field check invalid" : "field check"}>
      <div class="field-head">
        <input
          type="checkbox"
          id={f.id}
          name={f.name ?? f.id}
          checked={f.checked}
          aria-invalid={f.error ? "true" : undefined}
          aria-describedby={describedBy(f)}
          onChange={(e) => f.onChange?.((e.target as HTMLInputElement).checked)}
        />
        <label for={f.id}>{f.label}</label>
        {f.help && <HelpLink topic={f.help} label={f.label} />}
      </div>
      <Extras {...f} />
    </div>
  );
}

export interface ChoiceGroupProps extends FieldBase {
  type: "checkbox" | "radio";
  /** Checked values (one for radios). */
  values: string[];
  options: readonly (readonly [string, string])[];
  onChange?: (values: string[]) => void;
}

/** Checkboxes or radios in a fieldset whose legend names the group. */
export function ChoiceGroup(props: ChoiceGroupProps): VNode {
  const f = props;
  const name = f.name ?? f.id;
  function toggle(value: string, on: boolean): void {
    if (f.type === "radio") f.onChange?.([value]);
    else {
      f.onChange?.(
        on
          ? [...f.values.filter((v) => v !== value), value]
          : f.values.filter((v) => v !== value),
      );
    }
  }
  return (
    <fieldset
      class={f.error ? "field group invalid" : "field group"}
      id={f.id}
      aria-labelledby={`${f.id}-legend`}
      aria-describedby={describedBy(f)}
    >
      <legend>
        <span id={`${f.id}-legend`}>{f.label}</span>
        {f.help && <HelpLink topic={f.help} label={f.label} />}
      </legend>
      <div class="choices">
        {f.options.map(([value, text]) => (
          <label class="choice" key={value}>
            <input
              type={f.type}
              name={name}
              value={value}
              checked={f.values.includes(value)}
              onChange={(e) =>
                toggle(value, (e.target as HTMLInputElement).checked)}
            />
            <span>{text}</span>
          </label>
        ))}
      </div>
      <Extras {...f} />
    </fieldset>
  );
}

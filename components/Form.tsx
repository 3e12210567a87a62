import type { ComponentChildren, VNode } from "preact";
import { CSRF_FIELD } from "../lib/security/csrf.ts";

export interface FormProps {
  action: string;
  csrf: string;
  children: ComponentChildren;
  class?: string;
  /** `multipart/form-data` for a file upload. */
  enctype?: string;
}

/** A POST form carrying the CSRF token. */
export function Form({ action, csrf, children, ...rest }: FormProps): VNode {
  return (
    <form
      method="post"
      action={action}
      class={rest.class}
      enctype={rest.enctype}
    >
      <input type="hidden" name={CSRF_FIELD} value={csrf} />
      {children}
    </form>
  );
}

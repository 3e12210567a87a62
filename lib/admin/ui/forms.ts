/**
 * Forms of the admin UI on the server (Fresh's form-submission pattern): a
 * page's form posts to the page; the values are read through the same spec
 * the island uses (lib/admin/forms/specs.ts), checked, and handed as the
 * same JSON body to the lib/admin function the admin API calls. A failure
 * comes back as field errors for the page to render inline (400/409), or is
 * rethrown (404 and the rest go to the error page).
 * @module
 */
import type { AppContext } from "../../http/define.ts";
import { HttpError } from "../../http/http_error.ts";
import { throwIssues } from "../admin_http.ts";
import { checkAll, type FormSpec, type Values } from "../forms/specs.ts";
import { issuesToErrors } from "../forms/issues.ts";

/** Field name -> message; `""` is a message about the whole form. */
export type FieldErrors = Record<string, string>;

export interface FormFailure {
  status: number;
  errors: FieldErrors;
  /** A message not tied to one field. */
  message?: string;
  details: Record<string, unknown>;
}

/** The posted form (urlencoded or multipart), read once. */
export async function readForm(c: AppContext): Promise<FormData> {
  const type = c.req.header("Content-Type") ?? "";
  if (
    !type.startsWith("application/x-www-form-urlencoded") &&
    !type.startsWith("multipart/form-data")
  ) {
    throw new HttpError(415, "this page accepts form posts only");
  }
  let form: FormData;
  try {
    form = await c.req.formData();
  } catch (err) {
    // A multipart body without a boundary or with broken parts is the
    // client's mistake (reached with X-Admin-Token, where no CSRF check has
    // parsed the form first).
    throw new HttpError(400, "the form body could not be read", {
      code: "invalid_request",
      cause: err,
    });
  }
  // PostgreSQL text cannot hold NUL, and no admin value needs one: refuse
  // it here rather than as a database error deep in a handler.
  for (const value of form.values()) {
    if (typeof value === "string" && value.includes("\0")) {
      throw new HttpError(400, "form fields must not contain NUL characters");
    }
  }
  return form;
}

/** What the form asks the page to do (`_action`). */
export function intentOf(form: FormData): string {
  const value = form.get("_action");
  return typeof value === "string" ? value : "";
}

/** Whether the no-JavaScript confirmation step was passed. */
export function isConfirmed(form: FormData): boolean {
  return form.get("confirm") === "yes";
}

/** A single text field of the form ("" when absent). */
export function field(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/** The spec's fields out of a posted form: text, checkbox, checkbox list. */
export function valuesOf(spec: FormSpec, form: FormData): Values {
  const values: Values = {};
  for (const [name, kind] of Object.entries(spec.fields)) {
    if (kind === "bool") values[name] = form.has(name);
    else if (kind === "list") {
      values[name] = form.getAll(name).filter((v): v is string =>
        typeof v === "string"
      );
    } else values[name] = field(form, name);
  }
  return values;
}

/**
 * Checks the values as the island does and answers the API body; throws the
 * API's 400 shape when a check fails, so both paths render alike.
 */
export function bodyOf(
  spec: FormSpec,
  values: Values,
): Record<string, unknown> {
  const errors = checkAll(spec, values);
  throwIssues(
    Object.entries(errors).map(([path, message]) => ({ path, message })),
  );
  return spec.toBody(values);
}

/**
 * Turns an admin function's refusal into something a form can show: 400
 * field issues, 409 conflicts (put on `conflictField` when given). Anything
 * else is not the form's business: null, and the caller rethrows.
 */
export function formFailure(
  err: unknown,
  conflictField?: string,
): FormFailure | null {
  if (!(err instanceof HttpError)) return null;
  const details = err.options.details ?? {};
  if (err.status === 400) {
    const errors = issuesToErrors(
      details.issues as { path: string; message: string }[] | undefined,
    );
    const general = errors[""];
    delete errors[""];
    return {
      status: 400,
      errors,
      message: Object.keys(errors).length ? general : general ?? err.message,
      details,
    };
  }
  if (err.status === 409) {
    return conflictField
      ? { status: 409, errors: { [conflictField]: err.message }, details }
      : { status: 409, errors: {}, message: err.message, details };
  }
  return null;
}

/** `path?notice=key&subject=…`: the 303 target after a successful post. */
export function noticeURL(
  path: string,
  notice: string,
  subject?: string,
): string {
  const query = new URLSearchParams({ notice });
  if (subject !== undefined) query.set("subject", subject);
  return `${path}?${query}`;
}

/**
 * The `errors`/`formError` props of a form island after a failure: errors
 * on fields the form shows stay inline, the rest join the form's message.
 */
export function errorProps(
  spec: FormSpec,
  failure: FormFailure | undefined,
): { errors?: FieldErrors; formError?: string } {
  if (!failure) return {};
  const errors: FieldErrors = {};
  const other: string[] = failure.message ? [failure.message] : [];
  for (const [name, message] of Object.entries(failure.errors)) {
    if (name in spec.fields) errors[name] = message;
    else other.push(name ? `${name}: ${message}` : message);
  }
  return {
    errors,
    ...(other.length ? { formError: other.join(" ") } : {}),
  };
}

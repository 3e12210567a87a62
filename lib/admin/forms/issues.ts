/**
 * Field errors as the admin forms show them, from the admin API's
 * `issues: [{path, message}]`. Browser-safe: the islands and the server's
 * form handling (lib/admin/ui/forms.ts) read failures the same way.
 * @module
 */

/** Field name -> message. `""` holds a message for the whole form. */
export type FieldErrors = Record<string, string>;

/** Groups `issues[].path/message` by field, first message wins. */
export function issuesToErrors(
  issues: { path?: string; message?: string }[] | undefined,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues ?? []) {
    const field = (issue.path ?? "").split(".")[0];
    errors[field] ??= issue.message ?? "is invalid";
  }
  return errors;
}

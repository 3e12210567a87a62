/**
 * What each branding value may be, as the admin API and the admin form
 * check it. Every value reaches pages through Preact (escaped) or a
 * stylesheet we generate from parsed numbers, so none of these rules is
 * the only thing between a value and the page; they make a hostile or
 * broken value a 400 naming its field instead of something stored.
 * @module
 */

/** The longest product name (it sits in the header beside the logo). */
export const MAX_NAME_LENGTH = 60;
export const MAX_SUPPORT_URL_LENGTH = 500;

/**
 * Markup characters, controls, and the Unicode format characters that
 * reorder or hide text (bidirectional overrides and isolates, zero-width
 * spaces): a name is shown as text, and none of these belongs in one.
 */
const NAME_REFUSED =
  /[<>\p{Cc}\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/u;

/** Why `name` cannot be the product name (a predicate), or null. */
export function brandNameProblem(name: string): string | null {
  if (name.trim() === "") return "must not be empty";
  if (name.length > MAX_NAME_LENGTH) {
    return `must be at most ${MAX_NAME_LENGTH} characters`;
  }
  if (NAME_REFUSED.test(name)) {
    return "must not contain <, >, control characters or invisible formatting characters";
  }
  return null;
}

/** An address in a mailto: link (one, plainly written). */
const MAILTO =
  /^mailto:[^\s@<>"'(),;:\\]+@[^\s@<>"'(),;:\\]+\.[^\s@<>"'(),;:\\]+(?:\?[^\s<>"']*)?$/i;

/**
 * Why `value` cannot be the support link, or null: an https URL to a host
 * (no credentials in it) or a mailto: link. Everything else (javascript:,
 * data:, http:, relative URLs) is refused.
 */
export function supportURLProblem(value: string): string | null {
  if (value.length > MAX_SUPPORT_URL_LENGTH) {
    return `must be at most ${MAX_SUPPORT_URL_LENGTH} characters`;
  }
  if (/^mailto:/i.test(value)) {
    return MAILTO.test(value)
      ? null
      : "must be mailto: followed by one email address";
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an https: or mailto: URL";
  }
  if (url.protocol !== "https:") return "must be an https: or mailto: URL";
  if (!url.hostname) return "must name a host";
  if (url.username || url.password) return "must not carry credentials";
  if (/[\s<>"']/.test(value)) {
    return "must not contain spaces, quotes or angle brackets";
  }
  return null;
}

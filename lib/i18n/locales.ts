/**
 * The languages the end-user pages and mails speak, and choosing one for a
 * request: the client's `ui_locales` (OIDC Core §3.1.2.1, RP-Initiated
 * Logout 1.0 §2), then the browser's `Accept-Language` (RFC 9110 §12.5.4),
 * then the server's default (DEFAULT_LOCALE). Imports nothing of the app.
 * @module
 */

/** Every language with a complete catalogue (lib/i18n/en.ts, de.ts). */
export const LOCALES = ["en", "de"] as const;
export type Locale = (typeof LOCALES)[number];

/** The default when nothing in a request names a language we have. */
export const FALLBACK_LOCALE: Locale = "en";

/** Longest language tag looked at (RFC 5646 tags are short; this caps work). */
const MAX_TAG_LENGTH = 35;
/** At most this many preferences are read from one header or parameter. */
const MAX_PREFERENCES = 20;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" &&
    (LOCALES as readonly string[]).includes(value);
}

/**
 * The language we have for one BCP 47 tag: the tag itself (any case), or
 * its primary language subtag (`de-CH` → `de`, `en_GB` → `en`); null for
 * `*`, malformed tags and languages we do not have.
 */
export function localeOf(tag: string): Locale | null {
  if (tag.length === 0 || tag.length > MAX_TAG_LENGTH) return null;
  if (!/^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$/.test(tag)) return null;
  const primary = tag.toLowerCase().split(/[-_]/)[0];
  return isLocale(primary) ? primary : null;
}

/**
 * OIDC Core §3.1.2.1 ui_locales: "End-User's preferred languages and
 * scripts for the user interface, represented as a space-separated list of
 * BCP47 [RFC5646] language tag values, ordered by preference." The first
 * one we have wins; null when none is.
 */
export function fromUILocales(value: string | null | undefined): Locale | null {
  if (!value) return null;
  for (const tag of value.split(" ").slice(0, MAX_PREFERENCES)) {
    const locale = localeOf(tag);
    if (locale) return locale;
  }
  return null;
}

/**
 * RFC 9110 §12.5.4 Accept-Language: language ranges with optional quality
 * values (`de-CH, de;q=0.9, en;q=0.8`); the highest-weighted one we have
 * wins (ties in the order sent), `q=0` means "not this one", and `*`
 * matches nothing particular (so the default applies). Null when none is.
 */
export function fromAcceptLanguage(
  header: string | null | undefined,
): Locale | null {
  if (!header) return null;
  const ranges: { locale: Locale | null; q: number; order: number }[] = [];
  for (
    const [order, part] of header.split(",").slice(0, MAX_PREFERENCES)
      .entries()
  ) {
    const [range, ...params] = part.trim().split(";");
    let q = 1;
    for (const param of params) {
      const m = param.trim().match(/^q=([01](?:\.\d{0,3})?)$/i);
      if (m) q = Math.min(1, Number(m[1]));
    }
    ranges.push({ locale: localeOf(range.trim()), q, order });
  }
  const best = ranges
    .filter((r) => r.q > 0 && r.locale)
    .sort((a, b) => b.q - a.q || a.order - b.order)[0];
  return best?.locale ?? null;
}

/** What a request says about the language it wants. */
export interface LocaleHints {
  /** The `ui_locales` parameter, when the request carries one. */
  uiLocales?: string | null;
  /** The Accept-Language header. */
  acceptLanguage?: string | null;
}

/**
 * The language to answer in: `ui_locales` first, then Accept-Language,
 * then `fallback` (the server's DEFAULT_LOCALE).
 *
 * @example
 * ```ts
 * negotiateLocale({ uiLocales: "fr-CA de", acceptLanguage: "en" }, "en"); // "de"
 * ```
 */
export function negotiateLocale(
  hints: LocaleHints,
  fallback: Locale = FALLBACK_LOCALE,
): Locale {
  return fromUILocales(hints.uiLocales) ??
    fromAcceptLanguage(hints.acceptLanguage) ?? fallback;
}

/**
 * The message catalogues and the one way to turn a key into a sentence.
 * English (lib/i18n/en.ts) defines the keys and their `{placeholders}`;
 * every other catalogue must have exactly those keys, each with the same
 * placeholders: the compiler checks both (`Catalogue` below), and
 * lib/i18n/catalogue_test.ts checks them again at run time. Logic in lib/
 * returns a `Message` (a key and its values), never a sentence, so the
 * page that shows it picks the language.
 * @module
 */
import { de } from "./de.ts";
import { en } from "./en.ts";
import type { Locale } from "./locales.ts";

export type MessageKey = keyof typeof en;

/** The names in a message's `{placeholders}`. */
export type Placeholders<S extends string> = S extends
  `${string}{${infer Name}}${infer Rest}` ? Name | Placeholders<Rest>
  : never;

type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends
  (i: infer I) => void ? I : never;

/** A sentence that holds every placeholder in `P` (a translation of it). */
type HoldingAll<P extends string> = [P] extends [never] ? string
  :
    & string
    & Intersection<P extends string ? `${string}{${P}}${string}` : never>;

/**
 * What a translation must be: every English key, each sentence holding the
 * English placeholders (a missing `{client}` does not compile).
 */
export type Catalogue = {
  readonly [K in MessageKey]: HoldingAll<Placeholders<(typeof en)[K]>>;
};

/** The values a key's placeholders need: none, or one per placeholder. */
export type ValuesOf<K extends MessageKey, V = string | number> = [
  Placeholders<(typeof en)[K]>,
] extends [never] ? [values?: undefined]
  : [values: Record<Placeholders<(typeof en)[K]>, V>];

/** A sentence chosen by lib/, rendered in the page's language. */
export interface Message {
  key: MessageKey;
  values?: Record<string, string | number>;
}

export const CATALOGUES: Readonly<Record<Locale, Catalogue>> = { en, de };

/**
 * A message for a page to render.
 *
 * @example
 * ```ts
 * return { ok: false, error: message("password.too_short", { min: 8 }) };
 * ```
 */
export function message<K extends MessageKey>(
  key: K,
  ...values: ValuesOf<K>
): Message {
  return values[0] === undefined ? { key } : { key, values: values[0] };
}

/** `{name}` replaced by its value; an unknown name stays as written. */
export function fill(
  text: string,
  values: Record<string, string | number> | undefined,
): string {
  if (!values) return text;
  return text.replace(
    /\{([a-z_]+)\}/g,
    (whole, name: string) =>
      Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

/** The sentence for `key` in `locale`, values filled in. */
export function translate(
  locale: Locale,
  key: MessageKey,
  values?: Record<string, string | number>,
): string {
  return fill(CATALOGUES[locale][key], values);
}

/** The placeholder names a sentence uses, sorted (for the catalogue test). */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]))]
    .sort();
}

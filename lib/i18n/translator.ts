/**
 * The page's language for server-rendered components: `renderPage`
 * (lib/http/render.tsx) puts a Translator for the request's locale in a
 * Preact context, and a component asks for it with `useI18n()`. `rich`
 * fills placeholders with elements (`{client}` as <strong>), so markup
 * never lives in a catalogue and every value is escaped by Preact.
 * @module
 */
import { type ComponentChild, createContext } from "preact";
import { useContext } from "preact/hooks";
import { FALLBACK_LOCALE, type Locale } from "./locales.ts";
import {
  CATALOGUES,
  type Message,
  type MessageKey,
  translate,
  type ValuesOf,
} from "./messages.ts";

export interface Translator {
  locale: Locale;
  /** The sentence for `key`, values filled in. */
  t<K extends MessageKey>(key: K, ...values: ValuesOf<K>): string;
  /** A message lib/ chose (an error, a notice). */
  text(message: Message): string;
  /** The sentence with elements for its placeholders. */
  rich<K extends MessageKey>(
    key: K,
    ...values: ValuesOf<K, ComponentChild>
  ): ComponentChild[];
}

/** A message's text split around `{placeholders}`, each filled by `values`. */
function richText(
  text: string,
  values: Record<string, ComponentChild> | undefined,
): ComponentChild[] {
  const out: ComponentChild[] = [];
  let last = 0;
  for (const m of text.matchAll(/\{([a-z_]+)\}/g)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push(values && Object.hasOwn(values, m[1]) ? values[m[1]] : m[0]);
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

const translators = new Map<Locale, Translator>();

/** The translator for `locale` (one per language, made once). */
export function translator(locale: Locale): Translator {
  let made = translators.get(locale);
  if (!made) {
    made = {
      locale,
      t: (key, ...values) => translate(locale, key, values[0]),
      text: (message) => translate(locale, message.key, message.values),
      rich: (key, ...values) =>
        richText(
          CATALOGUES[locale][key],
          values[0] as Record<
            string,
            ComponentChild
          >,
        ),
    };
    translators.set(locale, made);
  }
  return made;
}

/** Carries the page's translator down the tree (set by renderPage). */
export const I18nContext = createContext<Translator>(
  translator(FALLBACK_LOCALE),
);

/** The translator of the page being rendered. */
export function useI18n(): Translator {
  return useContext(I18nContext);
}

import type { VNode } from "preact";
import type { ErrorPageProps } from "../lib/http/errors.tsx";
import { useI18n } from "../lib/i18n/translator.ts";

/**
 * A plain page for errors a person sees in the browser: the headline and
 * a way on in the page's language; the server's own words (English, for
 * whoever debugs it) marked as such.
 */
export function ErrorPage({ status, title, message }: ErrorPageProps): VNode {
  const { t, locale } = useI18n();
  return (
    <section class="card narrow">
      <p class="muted">{t("error.status", { status })}</p>
      <h1>{title}</h1>
      <p>
        {t("error.details")}{" "}
        <span lang={locale === "en" ? undefined : "en"}>{message}</span>
      </p>
      <p>
        <a href="/">{t("error.home")}</a>
      </p>
    </section>
  );
}

import type { VNode } from "preact";
import { useI18n } from "../lib/i18n/translator.ts";

/** The start page: what this server is, and where its documents are. */
export function StartPage(
  { issuer, name }: { issuer: string; name: string | null },
): VNode {
  const { t } = useI18n();
  return (
    <section class="card narrow">
      <h1>{name ?? t("layout.default_name")}</h1>
      <p>{t("start.intro")}</p>
      <ul>
        <li>
          <a href="/.well-known/openid-configuration">{t("start.discovery")}</a>
        </li>
        <li>
          <a href="/.well-known/jwks.json">{t("start.jwks")}</a>
        </li>
        <li>
          <a href="/admin/login">{t("start.admin")}</a>
        </li>
      </ul>
      <p class="muted">{t("start.issuer", { issuer })}</p>
    </section>
  );
}

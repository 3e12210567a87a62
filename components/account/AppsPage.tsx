/** /account/apps: the apps the person let in; remove any of them. */
import type { VNode } from "preact";
import type { AppView } from "../../lib/accounts/devices.ts";
import { useI18n } from "../../lib/i18n/translator.ts";
import { Time } from "../admin/common.tsx";
import { Form } from "../Form.tsx";

export function AppsPage(
  { apps, csrf }: { apps: AppView[]; csrf: string },
): VNode {
  const { t, rich } = useI18n();
  return (
    <section class="card" aria-labelledby="apps">
      <h2 id="apps">{t("apps.title")}</h2>
      {apps.length === 0
        ? <p class="muted">{t("apps.none")}</p>
        : (
          <ul class="item-list">
            {apps.map((a) => (
              <li key={a.clientID}>
                <div class="item-main">
                  <strong>{a.name}</strong>{" "}
                  <span class="muted small">
                    {rich("apps.since", { time: <Time at={a.grantedAt} /> })}
                  </span>
                  <br />
                  <span class="tokens small">{a.scopes.join(" ")}</span>
                </div>
                <Form action="/account/apps" csrf={csrf} class="inline">
                  <input type="hidden" name="_action" value="revoke_app" />
                  <input type="hidden" name="client_id" value={a.clientID} />
                  <button type="submit" class="secondary">
                    {t("apps.remove")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
        )}
      <p class="muted small">{t("apps.remove_hint")}</p>
    </section>
  );
}
